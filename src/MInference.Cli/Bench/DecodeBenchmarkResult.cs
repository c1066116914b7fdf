namespace MInference.Cli.Bench;

/// <summary>
/// One line of `bench decode --json` (snake_case): <c>op</c> is decode_pq, decode_dense or encode_pq (the prompt of <c>seq</c> tokens encoded, K and V);
/// <c>subspaces</c> is 0 for dense; <c>gbps</c> counts the bytes the step reads (codes, window and
/// codebooks for PQ; the 16-bit K and V for dense) per second.
/// </summary>
internal sealed record DecodeBenchmarkResult(
    string Op,
    int Batch,
    int Seq,
    int Heads,
    int KvHeads,
    int HeadDim,
    int Subspaces,
    string Dtype,
    double MsMedian,
    double Gbps,
    string Device);
