namespace MInference;

/// <summary>
/// Lengths and element strides of a strided tensor, outermost dimension first (the vocabulary of
/// <c>System.Numerics.Tensors</c>: <see cref="nint"/> lengths and strides). Immutable; describes
/// memory but owns none. Attention operands are rank 4 in logical order [batch, heads, seq, head_dim];
/// other memory orders (such as [batch, seq, heads, head_dim]) are expressed through strides.
/// </summary>
public sealed class TensorLayout
{
    private readonly nint[] _lengths;
    private readonly nint[] _strides;

    /// <summary>Creates a layout from explicit lengths and strides (both in elements).</summary>
    /// <param name="lengths">Length of each dimension, each &gt;= 0.</param>
    /// <param name="strides">Distance in elements between neighbours along each dimension, each &gt;= 0.</param>
    /// <exception cref="ArgumentException">Ranks differ, a length or stride is negative, or the span of the layout exceeds <see cref="long.MaxValue"/> elements.</exception>
    public TensorLayout(ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides)
    {
        if (lengths.Length != strides.Length)
        {
            throw new ArgumentException($"lengths has rank {lengths.Length} but strides has rank {strides.Length}", nameof(strides));
        }

        Int128 elementCount = 1;
        Int128 maxOffset = 0;
        for (int dimension = 0; dimension < lengths.Length; dimension++)
        {
            if (lengths[dimension] < 0)
            {
                throw new ArgumentException($"lengths[{dimension}] = {lengths[dimension]} must be >= 0", nameof(lengths));
            }

            if (strides[dimension] < 0)
            {
                throw new ArgumentException($"strides[{dimension}] = {strides[dimension]} must be >= 0", nameof(strides));
            }

            elementCount *= lengths[dimension];
            maxOffset += (Int128)Math.Max(lengths[dimension] - 1, 0) * strides[dimension];
        }

        if (maxOffset >= long.MaxValue || elementCount > long.MaxValue)
        {
            throw new ArgumentException("the layout spans more than long.MaxValue elements", nameof(lengths));
        }

        _lengths = lengths.ToArray();
        _strides = strides.ToArray();
        ElementCount = (long)elementCount;
        RequiredElementCount = ElementCount == 0 ? 0 : (long)maxOffset + 1;
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _lengths.Length;

    /// <summary>Length of each dimension, outermost first.</summary>
    public ReadOnlySpan<nint> Lengths => _lengths;

    /// <summary>Element stride of each dimension, outermost first.</summary>
    public ReadOnlySpan<nint> Strides => _strides;

    /// <summary>Number of logical elements (the product of the lengths).</summary>
    public long ElementCount { get; }

    /// <summary>
    /// Number of elements, counted from the view's first element, that memory must hold for every
    /// element of the view to be inside it: the largest offset reached plus one (0 for an empty view).
    /// </summary>
    public long RequiredElementCount { get; }

    /// <summary>True when the strides are those of <see cref="Contiguous"/> for the same lengths.</summary>
    public bool IsContiguous => Strides.SequenceEqual(ContiguousStrides(Lengths));

    /// <summary>
    /// True when no two logical elements share a memory location, so the layout can be written
    /// without races. Uses the usual sufficient rule (sorted by stride, each stride steps past the
    /// extent of the smaller ones), so an exotic interleaving that never overlaps may read false.
    /// </summary>
    public bool HasDistinctElementOffsets
    {
        get
        {
            if (ElementCount == 0)
            {
                return true;
            }

            // Walk the dimensions from the smallest stride up: each stride must step past the whole
            // extent covered by the smaller ones.
            int[] order = Enumerable.Range(0, Rank).Where(d => _lengths[d] > 1).OrderBy(d => _strides[d]).ToArray();
            Int128 extent = 0;
            foreach (int dimension in order)
            {
                if (_strides[dimension] <= extent)
                {
                    return false;
                }

                extent += (Int128)(_lengths[dimension] - 1) * _strides[dimension];
            }

            return true;
        }
    }

    /// <summary>A row-major layout: the last dimension has stride 1.</summary>
    /// <param name="lengths">Length of each dimension, outermost first.</param>
    public static TensorLayout Contiguous(params ReadOnlySpan<nint> lengths) => new(lengths, ContiguousStrides(lengths));

    /// <summary>
    /// An attention operand stored as [batch, heads, seq, head_dim] (contiguous), in logical order
    /// [batch, heads, seq, head_dim].
    /// </summary>
    public static TensorLayout Bhsd(nint batch, nint heads, nint sequenceLength, nint headDim) =>
        Contiguous(batch, heads, sequenceLength, headDim);

    /// <summary>
    /// An attention operand stored as [batch, seq, heads, head_dim] (contiguous in that order), described
    /// in logical order [batch, heads, seq, head_dim] through permuted strides.
    /// </summary>
    public static TensorLayout Bshd(nint batch, nint sequenceLength, nint heads, nint headDim) =>
        new([batch, heads, sequenceLength, headDim], [sequenceLength * heads * headDim, headDim, heads * headDim, 1]);

    /// <summary>Offset in elements of the element at <paramref name="indices"/>.</summary>
    /// <exception cref="ArgumentException">The number of indices is not <see cref="Rank"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside its dimension.</exception>
    public long GetOffset(params ReadOnlySpan<nint> indices)
    {
        if (indices.Length != Rank)
        {
            throw new ArgumentException($"expected {Rank} indices, got {indices.Length}", nameof(indices));
        }

        long offset = 0;
        for (int dimension = 0; dimension < Rank; dimension++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(indices[dimension], nameof(indices));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(indices[dimension], _lengths[dimension], nameof(indices));
            offset += (long)indices[dimension] * _strides[dimension];
        }

        return offset;
    }

    /// <summary>For example "[1, 8, 64, 128] strides [65536, 8192, 128, 1]".</summary>
    public override string ToString() => $"[{string.Join(", ", _lengths)}] strides [{string.Join(", ", _strides)}]";

    private static nint[] ContiguousStrides(ReadOnlySpan<nint> lengths)
    {
        var strides = new nint[lengths.Length];
        nint stride = 1;
        for (int dimension = lengths.Length - 1; dimension >= 0; dimension--)
        {
            strides[dimension] = stride;
            stride = checked(stride * Math.Max(lengths[dimension], 1));
        }

        return strides;
    }
}
