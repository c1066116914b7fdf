namespace MInference.Sparse;

/// <summary>The [seq, head_dim] matrix of one (batch, head) of a strided host tensor, read in place.</summary>
internal readonly ref struct HeadRows
{
    private readonly ReadOnlySpan<float> _data;
    private readonly long _base;
    private readonly long _rowStride;
    private readonly long _dimStride;

    public HeadRows(ReadOnlyHostTensor tensor, int batch, int head)
    {
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        _data = tensor.Data.Span;
        _base = ((long)batch * strides[0]) + ((long)head * strides[1]);
        _rowStride = strides[2];
        _dimStride = strides[3];
        Dim = (int)tensor.Layout.Lengths[3];
    }

    /// <summary>head_dim: the length of each row.</summary>
    public int Dim { get; }

    public float this[int row, int dim] => _data[(int)(_base + (row * _rowStride) + (dim * _dimStride))];

    /// <summary>
    /// Row <paramref name="row"/> of this matrix dotted with row <paramref name="otherRow"/> of
    /// <paramref name="other"/>, accumulated in double in head_dim order (as <see cref="CpuAttention"/> does).
    /// </summary>
    public double Dot(int row, HeadRows other, int otherRow)
    {
        double dot = 0;
        for (int d = 0; d < Dim; d++)
        {
            dot += (double)this[row, d] * other[otherRow, d];
        }

        return dot;
    }
}
