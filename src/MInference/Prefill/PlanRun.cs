using MInference.Interop;

namespace MInference.Prefill;

/// <summary>
/// What the launches of one run of a plan share: the operands as the C ABI takes them, the
/// workspace's address and the stream. One instance per plan, refilled by every run, so a run
/// allocates nothing on the managed heap either.
/// </summary>
internal sealed class PlanRun
{
    /// <summary>The operands (q, k, v, output, log-sum-exp) with causal set and the plan's shape.</summary>
    public MiDenseAttentionArgs Attention;

    /// <summary>The workspace's device address.</summary>
    public nint Workspace { get; set; }

    /// <summary>The device address of the route codes, [batch, q_heads] int32 (in the workspace).</summary>
    public nint RouteCodes { get; set; }

    /// <summary>The stream every launch is enqueued on.</summary>
    public StreamHandle Stream { get; set; } = null!;

    /// <summary>Times each step when the plan measures step times (not while capturing a graph).</summary>
    public GpuTimer? Timer { get; set; }

    /// <summary>The device address of a workspace region.</summary>
    public nint At(long offset) => Workspace + (nint)offset;

    /// <summary>Runs <paramref name="step"/> and returns its GPU milliseconds when timed, else 0.</summary>
    public float Timed(Action<PlanRun> step)
    {
        if (Timer is null)
        {
            step(this);
            return 0;
        }

        Timer.Start();
        step(this);
        return Timer.Stop();
    }
}
