namespace MInference.Cli;

/// <summary>Process exit codes of the CLI.</summary>
internal enum ExitCode
{
    /// <summary>The command did what was asked (for demo: the accuracy check passed).</summary>
    Success = 0,

    /// <summary>Bad arguments or paths, a failed accuracy check, a CUDA error, or an unexpected failure (one line on standard error; `--verbose` adds the stack trace).</summary>
    Failure = 1,

    /// <summary>The command needs the GPU backend and there is none (the reason is printed).</summary>
    GpuUnavailable = 2,
}
