using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_boundary_order_args</c>, field for field (208 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiBoundaryOrderArgs
{
    /// <summary><c>dtype</c>.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>q_heads</c>.</summary>
    public long QHeads;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>seq_len</c>: N, q_len == kv_len.</summary>
    public long SeqLen;

    /// <summary><c>head_dim</c>.</summary>
    public long HeadDim;

    /// <summary><c>q</c>: [batch, q_heads, N, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>: [batch, kv_heads, N, head_dim].</summary>
    public MiTensor4 K;

    /// <summary><c>heads</c>: host array of query heads, or 0 for all.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>.</summary>
    public int HeadCount;

    /// <summary><c>video_segments</c>: host int32 [segment_count][2], [start, end) pairs.</summary>
    public nint VideoSegments;

    /// <summary><c>segment_count</c>.</summary>
    public int SegmentCount;

    /// <summary><c>grid</c>: 1 to estimate the video group's grid, 0 for position order.</summary>
    public int Grid;

    /// <summary><c>candidates</c>: host int32 array of candidate strides.</summary>
    public nint Candidates;

    /// <summary><c>candidate_count</c>.</summary>
    public int CandidateCount;

    /// <summary><c>tolerance</c>.</summary>
    public float Tolerance;

    /// <summary><c>min_contrast</c>.</summary>
    public float MinContrast;

    /// <summary><c>strides</c>: written, device int32 [batch, head_count].</summary>
    public nint Strides;

    /// <summary><c>phases</c>: written, device int32 [batch, head_count].</summary>
    public nint Phases;

    /// <summary><c>order</c>: written, device int32 [batch, head_count, N].</summary>
    public nint Order;
}
