namespace MInference.Tests.IO;

/// <summary>One malformed file of the corpus: its bytes, a fragment its message must hold, and the tensor it must name (if any).</summary>
public sealed record MalformedCase(string Name, byte[] Bytes, string Fragment, string? TensorName = null)
{
    public override string ToString() => Name;
}
