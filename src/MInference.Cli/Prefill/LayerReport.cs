namespace MInference.Cli.Prefill;

/// <summary>One layer at one length: measured dense and sparse times, and its heads.</summary>
internal sealed record LayerReport(int Layer, int SequenceLength, double DenseMilliseconds, double SparseMilliseconds, IReadOnlyList<HeadReport> Heads)
{
    public double Speedup => DenseMilliseconds / SparseMilliseconds;
}
