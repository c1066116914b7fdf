using System.Buffers;

namespace MInference.Tests.IO;

/// <summary>Memory of a given length whose contents cannot be read: writing it fails part-way through a file.</summary>
internal sealed class ThrowingMemory(int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => throw new InvalidOperationException("simulated failure while reading tensor data");

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }

    public override Memory<byte> Memory => CreateMemory(length);
}
