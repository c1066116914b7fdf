using MInference.Sparse.Estimation;
using MInference.Sparse.Gpu;

namespace MInference.Tests.Gpu;

/// <summary>
/// Vertical-slash estimation and selection on the GPU against <see cref="VerticalSlashEstimation"/>
/// on the same dtype-rounded structured data, heads [6, 1, 2] of 8 (GQA over 2 kv heads).
/// </summary>
public sealed class VerticalSlashEstimateGpuTests : GpuFixture
{
    private const byte NaNPoison = 0xFF;
    private const int TailBytes = 256;

    /// <summary>
    /// The raw scores (before forcing) within <see cref="VerticalSlashScoreTolerance"/>, through both
    /// entry points: into caller buffers (NaN-poisoned and longer than needed: every entry must be
    /// written, nothing past them) with an explicit workspace, and into buffers the call allocates.
    /// </summary>
    [TestCaseSource(typeof(VerticalSlashGpuCases), nameof(VerticalSlashGpuCases.All))]
    public void ScoresMatchTheCpuEstimate(VerticalSlashGpuCase testCase)
    {
        using var inputs = VerticalSlashGpuInputs.Create(Context, testCase);
        VerticalSlashEstimate expected = VerticalSlashEstimation.Estimate(inputs.Q, inputs.K, SparseCase.Heads, testCase.Pattern);
        long count = (long)testCase.Batch * SparseCase.Heads.Length * testCase.SequenceLength;

        long workspaceBytes = VerticalSlashGpu.EstimateWorkspaceSize(Context, inputs.QTensor, inputs.KTensor, SparseCase.Heads);
        using DeviceBuffer? workspace = workspaceBytes > 0 ? new DeviceBuffer(Context, workspaceBytes) : null;
        using var verticalBuffer = new DeviceBuffer(Context, (count * sizeof(float)) + TailBytes);
        using var slashBuffer = new DeviceBuffer(Context, (count * sizeof(float)) + TailBytes);
        verticalBuffer.Fill(NaNPoison);
        slashBuffer.Fill(NaNPoison);
        VerticalSlashGpu.Estimate(Context, inputs.QTensor, inputs.KTensor, SparseCase.Heads, softmaxScale: null, verticalBuffer, slashBuffer, workspace);

        using DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(Context, inputs.QTensor, inputs.KTensor, SparseCase.Heads);
        string context = $"{testCase} (seed {inputs.Seed})";
        Assert.Multiple(() =>
        {
            AssertScoresMatch($"{context}, caller buffers: vertical", Floats(verticalBuffer, count), expected.VerticalScores.Span, testCase);
            AssertScoresMatch($"{context}, caller buffers: slash", Floats(slashBuffer, count), expected.SlashScores.Span, testCase);
            AssertScoresMatch($"{context}, allocated: vertical", Floats(scores.VerticalScores, count), expected.VerticalScores.Span, testCase);
            AssertScoresMatch($"{context}, allocated: slash", Floats(scores.SlashScores, count), expected.SlashScores.Span, testCase);
            Assert.That(Tail(verticalBuffer, count * sizeof(float)), Is.All.EqualTo(NaNPoison), $"{context}: written past the vertical scores");
            Assert.That(Tail(slashBuffer, count * sizeof(float)), Is.All.EqualTo(NaNPoison), $"{context}: written past the slash scores");
            Assert.That(scores.Heads.ToArray(), Is.EqualTo(SparseCase.Heads));
            Assert.That((scores.BatchSize, scores.SequenceLength, scores.RowCount), Is.EqualTo((testCase.Batch, testCase.SequenceLength, testCase.Batch * 3L)));
        });
    }

    /// <summary>
    /// The GPU selection, from the GPU's own scores: checked by <see cref="VerticalSlashSelection"/>'s
    /// rules on download (ascending columns, descending offsets ending with 0, all in [0, N)); exactly
    /// the top-k of the downloaded fp32 scores (forced entries first, ties to the smaller index); the
    /// forced part exactly the CPU's; and the rest agreeing with the CPU selection up to near-ties.
    /// </summary>
    /// <remarks>
    /// GPU and CPU scores differ by rounding, so where two candidates' scores are within the
    /// tolerance of each other the two selections may legitimately differ. The robust form: every
    /// GPU choice must score, on the CPU, at least what the CPU's k-th best minus the tolerance
    /// allows, and every CPU choice must score, on the GPU, at least the GPU's k-th best minus the
    /// tolerance (<see cref="VerticalSlashScoreTolerance"/> derives both bounds from the score
    /// tolerance). A genuinely wrong choice (a poor candidate kept, a clearly better one dropped) fails.
    /// </remarks>
    [TestCaseSource(typeof(VerticalSlashGpuCases), nameof(VerticalSlashGpuCases.All))]
    public void SelectionMatchesTheCpuSelection(VerticalSlashGpuCase testCase)
    {
        using var inputs = VerticalSlashGpuInputs.Create(Context, testCase);
        VerticalSlashEstimate expected = VerticalSlashEstimation.Estimate(inputs.Q, inputs.K, SparseCase.Heads, testCase.Pattern);
        using DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(Context, inputs.QTensor, inputs.KTensor, SparseCase.Heads);
        using DeviceVerticalSlashSelection selection = VerticalSlashGpu.Select(Context, scores, testCase.Pattern);
        VerticalSlashSelection actual = selection.Download();
        long count = scores.RowCount * testCase.SequenceLength;
        float[] gpuVertical = Floats(scores.VerticalScores, count);
        float[] gpuSlash = Floats(scores.SlashScores, count);
        int n = testCase.SequenceLength;
        string context = $"{testCase} (seed {inputs.Seed})";

        Assert.Multiple(() =>
        {
            Assert.That((actual.VerticalCount, actual.SlashCount), Is.EqualTo((expected.Selection.VerticalCount, expected.Selection.SlashCount)), $"{context}: counts");
            Assert.That(actual.Heads.ToArray(), Is.EqualTo(SparseCase.Heads), $"{context}: heads");
            for (int batch = 0; batch < testCase.Batch; batch++)
            {
                for (int slot = 0; slot < SparseCase.Heads.Length; slot++)
                {
                    string where = $"{context}, batch {batch}, head {SparseCase.Heads[slot]}";
                    int row = (batch * SparseCase.Heads.Length) + slot;
                    AssertList(
                        $"{where}: verticals",
                        actual.GetVerticals(batch, slot).ToArray(),
                        expected.Selection.GetVerticals(batch, slot).ToArray(),
                        VerticalSlashRanking.Ranked(gpuVertical.AsSpan(row * n, n), VerticalSlashEstimation.ForcedVerticals),
                        VerticalSlashRanking.Ranked(expected.GetVerticalScores(batch, slot), VerticalSlashEstimation.ForcedVerticals),
                        VerticalSlashEstimation.ForcedVerticals,
                        ascending: true);
                    AssertList(
                        $"{where}: slashes",
                        actual.GetSlashOffsets(batch, slot).ToArray(),
                        expected.Selection.GetSlashOffsets(batch, slot).ToArray(),
                        VerticalSlashRanking.Ranked(gpuSlash.AsSpan(row * n, n), VerticalSlashEstimation.ForcedSlashes),
                        VerticalSlashRanking.Ranked(expected.GetSlashScores(batch, slot), VerticalSlashEstimation.ForcedSlashes),
                        VerticalSlashEstimation.ForcedSlashes,
                        ascending: false);
                }
            }
        });
    }

    /// <summary>
    /// The selection rule itself, exactly, on uploaded fp32 scores full of ties (a few levels and
    /// many zeros, as long rows have) and with forced entries scoring low: the caller-buffer entry
    /// point must write exactly the host top-k of each row and nothing past the lists.
    /// </summary>
    [TestCaseSource(nameof(SelectCounts))]
    public void SelectRanksExactlyByTheRule(int n, int verticalCount, int slashCount)
    {
        const int Rows = 5;
        var random = new Random(Support.RandomValues.StableSeed($"select {n} {verticalCount} {slashCount}"));
        float[] verticalScores = TiedScores(random, Rows * n);
        float[] slashScores = TiedScores(random, Rows * n);
        using DeviceBuffer verticalScoreBuffer = Upload<float>(verticalScores);
        using DeviceBuffer slashScoreBuffer = Upload<float>(slashScores);
        using var verticals = new DeviceBuffer(Context, ((long)Rows * verticalCount * sizeof(int)) + TailBytes);
        using var slashes = new DeviceBuffer(Context, ((long)Rows * slashCount * sizeof(int)) + TailBytes);
        verticals.Fill(NaNPoison);
        slashes.Fill(NaNPoison);
        long workspaceBytes = VerticalSlashGpu.SelectWorkspaceSize(Context, Rows, n, verticalCount, slashCount);
        using DeviceBuffer? workspace = workspaceBytes > 0 ? new DeviceBuffer(Context, workspaceBytes) : null;

        VerticalSlashGpu.Select(Context, verticalScoreBuffer, slashScoreBuffer, Rows, n, verticalCount, slashCount, verticals, slashes, workspace);

        var actualVerticals = new int[Rows * verticalCount];
        var actualSlashes = new int[Rows * slashCount];
        verticals.CopyToHost<int>(actualVerticals);
        slashes.CopyToHost<int>(actualSlashes);
        Assert.Multiple(() =>
        {
            for (int row = 0; row < Rows; row++)
            {
                double[] rankedVertical = VerticalSlashRanking.Ranked(verticalScores.AsSpan(row * n, n), VerticalSlashEstimation.ForcedVerticals);
                double[] rankedSlash = VerticalSlashRanking.Ranked(slashScores.AsSpan(row * n, n), VerticalSlashEstimation.ForcedSlashes);
                Assert.That(
                    actualVerticals.AsSpan(row * verticalCount, verticalCount).ToArray(),
                    Is.EqualTo(VerticalSlashRanking.Choose(rankedVertical, verticalCount, ascending: true)),
                    $"row {row}: verticals");
                Assert.That(
                    actualSlashes.AsSpan(row * slashCount, slashCount).ToArray(),
                    Is.EqualTo(VerticalSlashRanking.Choose(rankedSlash, slashCount, ascending: false)),
                    $"row {row}: slashes");
            }

            Assert.That(Tail(verticals, (long)Rows * verticalCount * sizeof(int)), Is.All.EqualTo(NaNPoison), "written past the verticals");
            Assert.That(Tail(slashes, (long)Rows * slashCount * sizeof(int)), Is.All.EqualTo(NaNPoison), "written past the slashes");
        });
    }

    /// <summary>Per length: MInference's counts for small sizes, the extremes 1 and N, and counts just past the forced sets.</summary>
    public static IEnumerable<TestCaseData> SelectCounts()
    {
        foreach (int n in VerticalSlashGpuCases.Lengths)
        {
            var counts = new HashSet<(int, int)>
            {
                (VerticalSlashEstimation.EffectiveVerticalCount(64, n), VerticalSlashEstimation.EffectiveSlashCount(256, n)),
                (1, 1),
                (n, n),
                (Math.Min(n, VerticalSlashEstimation.ForcedVerticals + 1), Math.Min(n, VerticalSlashEstimation.ForcedSlashes + 1)),
                (Math.Min(n, 1000), Math.Min(n, 6096)),
            };
            foreach ((int verticalCount, int slashCount) in counts)
            {
                yield return new TestCaseData(n, verticalCount, slashCount).SetName($"SelectRanksExactlyByTheRule(N {n}, v {verticalCount}, s {slashCount})");
            }
        }
    }

    private static void AssertList(string where, int[] actual, int[] cpuChoice, double[] gpuRanked, double[] cpuRanked, int forced, bool ascending)
    {
        int count = actual.Length;
        Assert.That(actual, Is.EqualTo(VerticalSlashRanking.Choose(gpuRanked, count, ascending)), $"{where}: not the top {count} of the GPU's own scores");

        int forcedKept = Math.Min(forced, count);
        int[] forcedPart = Enumerable.Range(0, forcedKept).ToArray();
        int[] actualForced = ascending ? actual[..forcedKept] : Enumerable.Reverse(actual[^forcedKept..]).ToArray();
        Assert.That(actualForced, Is.EqualTo(forcedPart), $"{where}: the forced entries");

        double cpuFloor = VerticalSlashScoreTolerance.LowestCpuScoreOfAGpuChoice(VerticalSlashRanking.KthBest(cpuRanked, count));
        int[] poorGpuChoices = actual.Where(i => cpuRanked[i] < cpuFloor).ToArray();
        Assert.That(poorGpuChoices, Is.Empty, $"{where}: GPU choices scoring below {cpuFloor:E6} on the CPU (CPU k-th best less the tolerance)");

        double gpuFloor = VerticalSlashScoreTolerance.LowestGpuScoreOfACpuChoice(VerticalSlashRanking.KthBest(gpuRanked, count));
        int[] missedCpuChoices = cpuChoice.Where(i => gpuRanked[i] < gpuFloor).ToArray();
        Assert.That(missedCpuChoices, Is.Empty, $"{where}: CPU choices scoring below {gpuFloor:E6} on the GPU (GPU k-th best less the tolerance)");
    }

    private static void AssertScoresMatch(string what, float[] actual, ReadOnlySpan<double> expected, VerticalSlashGpuCase testCase)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: length");
        int nonFinite = 0;
        double worstRatio = 0;
        string worst = "none";
        int n = testCase.SequenceLength;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!float.IsFinite(actual[i]))
            {
                nonFinite++;
                continue;
            }

            double ratio = Math.Abs(actual[i] - expected[i]) / VerticalSlashScoreTolerance.Allowed(expected[i]);
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                int row = i / n;
                worst = $"batch {row / SparseCase.Heads.Length}, head {SparseCase.Heads[row % SparseCase.Heads.Length]}, index {i % n}: {actual[i]:E6} vs {expected[i]:E6}";
            }
        }

        Assert.That(nonFinite, Is.Zero, $"{what}: {nonFinite} NaN/inf scores (unwritten?)");
        Assert.That(
            worstRatio,
            Is.LessThanOrEqualTo(1.0),
            $"{what}: error {worstRatio:F2}× the tolerance (abs {VerticalSlashScoreTolerance.Absolute:E0} + rel {VerticalSlashScoreTolerance.Relative:E0}) at {worst}");
    }

    /// <summary>Values on a few levels (ties everywhere), a third of them zero, now and then a large one.</summary>
    private static float[] TiedScores(Random random, int count)
    {
        var scores = new float[count];
        for (int i = 0; i < count; i++)
        {
            int draw = random.Next(12);
            scores[i] = draw < 4 ? 0f : draw == 11 ? 1000f + random.Next(4) : (draw - 3) * 0.25f;
        }

        return scores;
    }

    private static float[] Floats(DeviceBuffer buffer, long count)
    {
        var values = new float[count];
        buffer.CopyToHost<float>(values);
        return values;
    }

    /// <summary>The buffer's bytes after the first <paramref name="usedBytes"/>.</summary>
    private static byte[] Tail(DeviceBuffer buffer, long usedBytes)
    {
        var bytes = new byte[buffer.LengthInBytes - usedBytes];
        buffer.CopyToHost<byte>(bytes, usedBytes);
        return bytes;
    }
}
