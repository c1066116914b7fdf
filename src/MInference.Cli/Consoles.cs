using Spectre.Console;

namespace MInference.Cli;

/// <summary>
/// Where the CLI writes: results (tables, JSON lines) to standard output; progress, warnings and
/// errors to standard error, so `--json` output stays machine-readable.
/// </summary>
internal static class Consoles
{
    /// <summary>Standard output as it is now (created per use, so a redirected <see cref="Console.Out"/> is honoured).</summary>
    public static IAnsiConsole Out => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    /// <summary>
    /// Standard output for tables <paramref name="columns"/> wide: where it is redirected (logs,
    /// pipes), which have no width and would otherwise get 80 columns and wrapped tables, at least
    /// that many; a terminal keeps its own width.
    /// </summary>
    public static IAnsiConsole OutForTables(int columns)
    {
        IAnsiConsole console = Out;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, columns);
        }

        return console;
    }

    /// <summary>Standard error as it is now (created per use, so a redirected <see cref="Console.Error"/> is honoured).</summary>
    public static IAnsiConsole Error => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>
    /// Runs <paramref name="work"/>, which reports what it is doing through the callback it is given:
    /// shown as a spinner when standard error is a terminal, dropped when it is redirected (so logs
    /// and JSON lines captured with 2&gt;&amp;1 stay clean).
    /// </summary>
    public static T WithProgress<T>(Func<Action<string>, T> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(_ => { });
        }

        return Error.Status().Start("starting", status => work(message => status.Status(Markup.Escape(message))));
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar of <paramref name="totalUnits"/> units on
    /// standard error (when it is a terminal; otherwise reports are dropped, as for <see cref="WithProgress{T}"/>).
    /// </summary>
    public static T WithProgressBar<T>(string title, double totalUnits, Func<WorkProgress, T> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(WorkProgress.Silent);
        }

        return Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(totalUnits, 1));
                T result = work(new WorkProgress(what => task.Description = Markup.Escape($"{title}: {what}"), units => task.Increment(units)));
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>
    /// Runs <paramref name="command"/>, turning the library's expected exceptions into one line and an
    /// exit code; anything else goes on to <see cref="CliApp.Run"/>'s guard.
    /// </summary>
    public static int Run(Func<ExitCode> command)
    {
        try
        {
            return (int)command();
        }
        catch (GpuUnavailableException e)
        {
            ErrorOutput.Line(e.Message);
            return (int)ExitCode.GpuUnavailable;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or CudaException or IOException or InvalidDataException or FormatException or UnauthorizedAccessException or KeyNotFoundException)
        {
            ErrorOutput.Line(ErrorOutput.MessageOf(e));
            return (int)ExitCode.Failure;
        }
    }
}
