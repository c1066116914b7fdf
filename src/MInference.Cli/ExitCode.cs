namespace MInference.Cli;

/// <summary>Process exit codes of the CLI.</summary>
internal enum ExitCode
{
    /// <summary>The command did what was asked (for demo: the accuracy check passed).</summary>
    Success = 0,

    /// <summary>Bad arguments, a failed accuracy check, or a CUDA error.</summary>
    Failure = 1,

    /// <summary>The command needs the GPU backend and there is none (the reason is printed).</summary>
    GpuUnavailable = 2,
}
