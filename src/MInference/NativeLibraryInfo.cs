namespace MInference;

/// <summary>Build information of the loaded libminference.</summary>
public sealed record NativeLibraryInfo
{
    /// <summary>Where the library was loaded from.</summary>
    public required string Path { get; init; }

    /// <summary>Library version, e.g. "0.1.0".</summary>
    public required string Version { get; init; }

    /// <summary>ABI version the library implements (equal to the bindings' version, or it would not have loaded).</summary>
    public required int AbiVersion { get; init; }

    /// <summary>GPU targets compiled in, e.g. ["sm_80", "sm_90a"].</summary>
    public required IReadOnlyList<string> CompiledArchitectures { get; init; }

    /// <summary>CUDA toolkit version the library was compiled with.</summary>
    public required CudaVersion CudaCompileVersion { get; init; }
}
