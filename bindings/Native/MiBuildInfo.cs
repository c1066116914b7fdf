namespace MInference.Interop;

/// <summary>The library's build strings, decoded so callers need no unsafe code.</summary>
internal static unsafe class MiBuildInfo
{
    /// <summary><c>mi_version()</c>, e.g. "0.1.0".</summary>
    public static string Version => Utf8Text.FromNullTerminated(MiNative.mi_version());

    /// <summary><c>mi_compiled_archs()</c>, e.g. "sm_80;sm_90a".</summary>
    public static string CompiledArchitectures => Utf8Text.FromNullTerminated(MiNative.mi_compiled_archs());
}
