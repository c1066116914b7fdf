using MInference.Tests.Gpu;

namespace MInference.Tests.Fuzz;

/// <summary>
/// How one operand of a fuzzed case sits in memory: its order (BHSD or BSHD), extra elements after
/// each innermost row and after each head/sequence slab (multiples of 8, so the kernels' 16-byte
/// rule holds), and the element offset of its first element in the buffer (a multiple of 8).
/// </summary>
internal sealed record FuzzOperandLayout(MemoryOrder Order, int RowPadding, int SlabPadding, int ElementOffset)
{
    public static FuzzOperandLayout Packed(MemoryOrder order) => new(order, 0, 0, 0);

    /// <summary>The layout of a [batch, heads, length, headDim] operand in logical BHSD order.</summary>
    public TensorLayout Of(int batch, int heads, int length, int headDim)
    {
        long row = headDim + RowPadding;
        if (Order == MemoryOrder.Bhsd)
        {
            long head = (length * row) + SlabPadding;
            return new TensorLayout([batch, heads, length, headDim], [(nint)(heads * head), (nint)head, (nint)row, 1]);
        }

        long token = (heads * row) + SlabPadding;
        return new TensorLayout([batch, heads, length, headDim], [(nint)(length * token), (nint)row, (nint)token, 1]);
    }

    /// <summary>Elements a buffer holding the operand needs: the offset plus the layout's reach.</summary>
    public long BufferElements(TensorLayout layout) => ElementOffset + layout.RequiredElementCount;

    public override string ToString() =>
        $"{Order}{(RowPadding + SlabPadding == 0 ? string.Empty : $"+pad({RowPadding},{SlabPadding})")}{(ElementOffset == 0 ? string.Empty : $"@{ElementOffset}")}";
}
