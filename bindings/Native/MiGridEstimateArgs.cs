using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_grid_estimate_args</c>, field for field (96 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiGridEstimateArgs
{
    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>head_count</c>: profile rows per batch element.</summary>
    public long HeadCount;

    /// <summary><c>seq_len</c>: N.</summary>
    public long SeqLen;

    /// <summary><c>last_queries</c>: the profiles' last-query count.</summary>
    public int LastQueries;

    /// <summary><c>vertical_scores</c>: device fp32 [batch, head_count, N].</summary>
    public nint VerticalScores;

    /// <summary><c>slash_scores</c>: device fp32 [batch, head_count, N].</summary>
    public nint SlashScores;

    /// <summary><c>candidates</c>: host int32 array of candidate strides.</summary>
    public nint Candidates;

    /// <summary><c>candidate_count</c>.</summary>
    public int CandidateCount;

    /// <summary><c>tolerance</c>.</summary>
    public float Tolerance;

    /// <summary><c>min_contrast</c>: 0 for none, else both contrasts of the chosen stride must exceed it.</summary>
    public float MinContrast;

    /// <summary><c>strides</c>: written, device int32 [batch, head_count].</summary>
    public nint Strides;

    /// <summary><c>phases</c>: written, device int32 [batch, head_count].</summary>
    public nint Phases;

    /// <summary><c>order</c>: written, device int32 [batch, head_count, N].</summary>
    public nint Order;
}
