namespace MInference.Prefill;

/// <summary>
/// The layout of a plan's one workspace: every group reserves its regions once, at plan creation,
/// as 256-byte aligned offsets (the alignment cudaMalloc gives, which every kernel's vector loads
/// assume); a run only adds the offsets to the buffer's address.
/// </summary>
internal sealed class PlanWorkspace
{
    private const long Alignment = 256;

    /// <summary>Bytes reserved so far: the workspace size once every group has reserved.</summary>
    public long Bytes { get; private set; }

    /// <summary>Reserves <paramref name="bytes"/> (> 0 rounded up to the alignment) and returns its offset.</summary>
    public long Reserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long offset = Bytes;
        Bytes = checked(offset + ((Math.Max(bytes, 1) + Alignment - 1) / Alignment * Alignment));
        return offset;
    }
}
