namespace MInference.Tests.Support;

/// <summary>
/// Calls <c>onHang</c> with a test's name once that test has run longer than a limit. A kernel
/// that never finishes (a deadlocked barrier) blocks its synchronisation forever: without this, one
/// such test holds the whole run until an outer timeout kills it, and the log never names it.
/// </summary>
public sealed class HangWatchdog
{
    private readonly TimeSpan _limit;
    private readonly Action<string> _onHang;

    /// <summary>A watchdog that reports a test still running after <paramref name="limit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not positive.</exception>
    public HangWatchdog(TimeSpan limit, Action<string> onHang)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero);
        _limit = limit;
        _onHang = onHang ?? throw new ArgumentNullException(nameof(onHang));
    }

    /// <summary>Starts watching <paramref name="testName"/>; disposing the result stops it.</summary>
    public IDisposable Watch(string testName) =>
        new Timer(_ => _onHang(testName), null, _limit, Timeout.InfiniteTimeSpan);
}
