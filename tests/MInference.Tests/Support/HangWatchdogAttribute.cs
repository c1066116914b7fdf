using System.Collections.Concurrent;
using NUnit.Framework.Interfaces;

[assembly: MInference.Tests.Support.HangWatchdog]

namespace MInference.Tests.Support;

/// <summary>
/// Ends the test process, naming the test, when any test runs longer than
/// MINFERENCE_TEST_HANG_SECONDS (default 240; 0 turns the watchdog off). The slowest test takes
/// well under a minute; a test past the limit is a hung kernel, and failing fast lets the rest of
/// a GPU machine call go on.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class HangWatchdogAttribute : Attribute, ITestAction
{
    private const string LimitVariable = "MINFERENCE_TEST_HANG_SECONDS";
    private static readonly HangWatchdog? Watchdog = Create();
    private static readonly ConcurrentDictionary<string, IDisposable> Running = new();

    /// <inheritdoc />
    public ActionTargets Targets => ActionTargets.Test;

    /// <inheritdoc />
    public void BeforeTest(ITest test)
    {
        if (Watchdog is not null)
        {
            Running[test.Id] = Watchdog.Watch(test.FullName);
        }
    }

    /// <inheritdoc />
    public void AfterTest(ITest test)
    {
        if (Running.TryRemove(test.Id, out IDisposable? watch))
        {
            watch.Dispose();
        }
    }

    private static HangWatchdog? Create()
    {
        string? text = Environment.GetEnvironmentVariable(LimitVariable);
        int seconds = 240;
        if (!string.IsNullOrEmpty(text) && !int.TryParse(text, out seconds))
        {
            throw new InvalidOperationException($"{LimitVariable}={text}: expected whole seconds (0 turns the watchdog off)");
        }

        return seconds <= 0
            ? null
            : new HangWatchdog(TimeSpan.FromSeconds(seconds), name =>
                Environment.FailFast($"test still running after {seconds} s (a hung kernel?): {name}"));
    }
}
