namespace MInference.Sparse.Estimation;

/// <summary>
/// The result of <see cref="VerticalSlashEstimation.Estimate"/>: the chosen verticals and slashes,
/// and the raw scores they were chosen from (the GPU estimation is compared with these).
/// </summary>
public sealed class VerticalSlashEstimate
{
    private readonly double[] _verticalScores;
    private readonly double[] _slashScores;

    internal VerticalSlashEstimate(VerticalSlashSelection selection, double[] verticalScores, double[] slashScores)
    {
        Selection = selection;
        _verticalScores = verticalScores;
        _slashScores = slashScores;
    }

    /// <summary>The chosen verticals (ascending) and slash offsets (descending) per (batch, head).</summary>
    public VerticalSlashSelection Selection { get; }

    /// <summary>
    /// [batch, heads, N]: the vertical score of each key column j, Σ p(i, j) over the last
    /// min(64, N) query rows i, before the first 30 columns are forced to +∞.
    /// </summary>
    public ReadOnlyMemory<double> VerticalScores => _verticalScores;

    /// <summary>
    /// [batch, heads, N]: the slash score of each diagonal offset o = i − j, Σ p(i, i − o) over the
    /// last min(64, N) query rows i (0 where no such row reaches the diagonal), before offsets 0..99
    /// are forced to +∞.
    /// </summary>
    public ReadOnlyMemory<double> SlashScores => _slashScores;

    /// <summary>The vertical scores of one (batch, head slot), indexed by key column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ReadOnlySpan<double> GetVerticalScores(int batch, int headSlot) => _verticalScores.AsSpan(Offset(batch, headSlot), Selection.SequenceLength);

    /// <summary>The slash scores of one (batch, head slot), indexed by diagonal offset.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ReadOnlySpan<double> GetSlashScores(int batch, int headSlot) => _slashScores.AsSpan(Offset(batch, headSlot), Selection.SequenceLength);

    private int Offset(int batch, int headSlot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, Selection.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(headSlot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(headSlot, Selection.Heads.Length);
        return ((batch * Selection.Heads.Length) + headSlot) * Selection.SequenceLength;
    }
}
