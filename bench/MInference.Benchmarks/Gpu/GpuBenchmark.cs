using BenchmarkDotNet.Attributes;

namespace MInference.Benchmarks.Gpu;

/// <summary>
/// Base of every GPU benchmark: the host cost of enqueuing work, measured as the time of the call
/// itself. One <see cref="GpuContext"/> per benchmark case; each iteration is
/// <see cref="InvocationsPerIteration"/> calls with no synchronisation between them, and the queue
/// is drained after each iteration (<see cref="DrainQueue"/>, outside the measurement), so it never
/// holds more than that many launches and a call never waits for a free launch slot.
/// </summary>
/// <remarks>
/// A derived class fills in <see cref="SetUpDevice"/> (allocate and upload with <see cref="Context"/>;
/// <see cref="DeviceLayer"/> uploads a <see cref="SyntheticLayer"/>) and <see cref="TearDownDevice"/>,
/// and marks its calls [Benchmark]; it must not declare its own [GlobalSetup], [GlobalCleanup] or
/// [IterationCleanup].
/// </remarks>
[BenchmarkCategory(Category)]
[InvocationCount(InvocationsPerIteration)]
public abstract class GpuBenchmark : IDisposable
{
    /// <summary>Benchmark category of the GPU group (left out without a GPU).</summary>
    public const string Category = "Gpu";

    /// <summary>
    /// Calls per iteration (K): the synchronisation period. Well below CUDA's pending-launch limit
    /// (about a thousand launches), and a multiple of BenchmarkDotNet's default unroll factor (16).
    /// </summary>
    public const int InvocationsPerIteration = 256;

    private GpuContext? _context;

    /// <summary>The device and stream of this benchmark case.</summary>
    protected GpuContext Context => _context ?? throw new InvalidOperationException("the GPU benchmark's global setup did not run");

    [GlobalSetup]
    public void GlobalSetup()
    {
        GpuOnly.Require();
        _context = new GpuContext();
        SetUpDevice();
        Context.Synchronize();
    }

    /// <summary>Drains the stream after each iteration of <see cref="InvocationsPerIteration"/> calls (not measured).</summary>
    [IterationCleanup]
    public void DrainQueue() => Context.Synchronize();

    [GlobalCleanup]
    public void GlobalCleanup() => Dispose();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Allocates and uploads what the benchmarks use.</summary>
    protected abstract void SetUpDevice();

    /// <summary>Disposes what <see cref="SetUpDevice"/> made (called before the context goes).</summary>
    protected abstract void TearDownDevice();

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _context is { } context)
        {
            context.Synchronize();
            TearDownDevice();
            context.Dispose();
            _context = null;
        }
    }
}
