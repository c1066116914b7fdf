namespace MInference;

/// <summary>A CUDA version such as 13.0, as the CUDA runtime encodes it (major * 1000 + minor * 10).</summary>
/// <param name="Major">Major version.</param>
/// <param name="Minor">Minor version.</param>
public readonly record struct CudaVersion(int Major, int Minor)
{
    /// <summary>Decodes major * 1000 + minor * 10 (e.g. 12080 is 12.8).</summary>
    public static CudaVersion FromEncoded(int encoded) => new(encoded / 1000, encoded % 1000 / 10);

    /// <summary>For example "12.8".</summary>
    public override string ToString() => $"{Major}.{Minor}";
}
