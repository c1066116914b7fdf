namespace MInference.Tests.Support;

public sealed class HangWatchdogTests
{
    [Test]
    public void ReportsATestThatOutlivesTheLimitByName()
    {
        using var hung = new ManualResetEventSlim();
        string? reported = null;
        var watchdog = new HangWatchdog(TimeSpan.FromMilliseconds(20), name =>
        {
            reported = name;
            hung.Set();
        });

        using (watchdog.Watch("Slow(N65)"))
        {
            Assert.That(hung.Wait(TimeSpan.FromSeconds(10)), Is.True, "the watchdog never fired");
        }

        Assert.That(reported, Is.EqualTo("Slow(N65)"));
    }

    [Test]
    public void StaysQuietForATestThatFinishesInTime()
    {
        int reports = 0;
        var watchdog = new HangWatchdog(TimeSpan.FromMilliseconds(200), _ => Interlocked.Increment(ref reports));
        watchdog.Watch("Fast").Dispose();
        Thread.Sleep(400);
        Assert.That(Volatile.Read(ref reports), Is.Zero);
    }

    [Test]
    public void RejectsANonPositiveLimit() =>
        Assert.That(() => new HangWatchdog(TimeSpan.Zero, _ => { }), Throws.InstanceOf<ArgumentOutOfRangeException>());
}
