using System.Text.Json;
using MInference.Cli;

namespace MInference.Tests.Cli;

/// <summary>Runs `minference` in process with standard output captured (fixtures using it are non-parallelizable).</summary>
internal static class CliRun
{
    public static (int ExitCode, string Output) Invoke(params string[] args)
    {
        (int exitCode, string output, _) = InvokeWithErrors(args);
        return (exitCode, output);
    }

    /// <summary>Runs a command; returns its exit code, standard output and standard error.</summary>
    public static (int ExitCode, string Output, string Errors) InvokeWithErrors(params string[] args)
    {
        using var output = new StringWriter();
        (int exitCode, string errors) = InvokeWithOutputTo(output, args);
        return (exitCode, output.ToString(), errors);
    }

    /// <summary>Runs a command with standard output going to <paramref name="output"/>; returns its exit code and standard error.</summary>
    public static (int ExitCode, string Errors) InvokeWithOutputTo(TextWriter output, params string[] args)
    {
        TextWriter originalOut = Console.Out;
        TextWriter originalError = Console.Error;
        using var errors = new StringWriter();
        Console.SetOut(output);
        Console.SetError(errors);
        try
        {
            int exitCode = CliApp.Run(args);
            return (exitCode, errors.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    /// <summary>Runs a command that must succeed with `--json` and parses its document.</summary>
    public static JsonElement Json(params string[] args)
    {
        (int exitCode, string output) = Invoke([.. args, "--json"]);
        Assert.That(exitCode, Is.Zero, $"minference {string.Join(' ', args)} failed; output: {output}");
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
