using MInference.Synthetic;

namespace MInference.Tests.Synthetic;

public sealed class StructuredAttentionDataTests
{
    private static readonly StructuredAttentionOptions s_planted = new()
    {
        SequenceLength = 256,
        Heads = 2,
        KvHeads = 1,
        HeadDim = 64,
        Seed = 11,
        SinkTokens = 4,
        LocalWindow = 16,
        DiagonalOffsets = [37, 90],
        VerticalPositions = [70, 150, 201],
        NoiseLevel = 0.25,
    };

    [Test]
    public void EqualOptionsGiveIdenticalTensorsAndOtherSeedsDifferentOnes()
    {
        StructuredAttentionOptions options = s_planted with { BatchSize = 2, Heads = 4, KvHeads = 2, SequenceLength = 40, VerticalPositions = [20] };
        StructuredAttentionData first = StructuredAttentionData.Generate(options);
        StructuredAttentionData second = StructuredAttentionData.Generate(options);
        StructuredAttentionData reseeded = StructuredAttentionData.Generate(options with { Seed = 12 });

        Assert.Multiple(() =>
        {
            Assert.That(first.Q.Data.ToArray(), Is.EqualTo(second.Q.Data.ToArray()));
            Assert.That(first.K.Data.ToArray(), Is.EqualTo(second.K.Data.ToArray()));
            Assert.That(first.V.Data.ToArray(), Is.EqualTo(second.V.Data.ToArray()));
            Assert.That(first.Q.Data.ToArray(), Is.Not.EqualTo(reseeded.Q.Data.ToArray()));
            Assert.That(first.Q.Layout.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 4, 40, 64 }));
            Assert.That(first.K.Layout.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 2, 40, 64 }));
            Assert.That(first.V.Layout.IsContiguous, Is.True);
            Assert.That(first.Options, Is.SameAs(options));
        });
    }

    [Test]
    public void ValuesAreOfOrderOneAndScoresOfAFewUnits()
    {
        StructuredAttentionData data = StructuredAttentionData.Generate(s_planted);
        float[] q = data.Q.Data.ToArray();
        float[] k = data.K.Data.ToArray();
        double[] scores = Scores(data, batch: 0, head: 0, row: 255);
        Assert.Multiple(() =>
        {
            Assert.That(RootMeanSquare(q), Is.InRange(0.5, 3.0));
            Assert.That(RootMeanSquare(k), Is.InRange(0.5, 3.0));
            Assert.That(q.Concat(k).Max(Math.Abs), Is.LessThan(8));
            Assert.That(scores.Max(), Is.InRange(3.0, 15.0), "the strongest logit of the last row");
            Assert.That(RootMeanSquare(scores.Skip(4).Select(s => (float)s).ToArray()), Is.LessThan(3.0), "the background stays within a few units");
        });
    }

    [Test]
    public void RotatingComponentsDependOnlyOnTheDistanceBetweenQueryAndKey()
    {
        // No noise, sinks or verticals: q_i · k_j is a function of i − j alone (up to float rounding).
        StructuredAttentionOptions options = s_planted with { NoiseLevel = 0, SinkTokens = 0, VerticalPositions = [], SequenceLength = 128 };
        StructuredAttentionData data = StructuredAttentionData.Generate(options);
        Assert.Multiple(() =>
        {
            foreach ((int row, int key, int shift) in new[] { (40, 3, 50), (90, 0, 37), (127, 90, -60), (64, 27, 63) })
            {
                Assert.That(Scores(data, 0, 1, row + shift)[key + shift], Is.EqualTo(Scores(data, 0, 1, row)[key]).Within(1e-3),
                    $"score({row}, {key}) and score({row + shift}, {key + shift})");
            }
        });
    }

    [Test]
    public void DenseAttentionPutsItsMassOnThePlantedStructure()
    {
        StructuredAttentionData data = StructuredAttentionData.Generate(s_planted);
        Enrichment enrichment = MeasureEnrichment(data, head: 1);
        Assert.Multiple(() =>
        {
            Assert.That(enrichment.Sinks, Is.GreaterThan(5), "probability per sink key over uniform");
            Assert.That(enrichment.Verticals, Is.GreaterThan(5), "per vertical key, over uniform");
            Assert.That(enrichment.Diagonals, Is.GreaterThan(5), "per diagonal key, over uniform");
            Assert.That(enrichment.Background, Is.LessThan(0.5), "per unstructured key, over uniform: the structure takes the mass");
            Assert.That(enrichment.LocalBand, Is.GreaterThan(5 * enrichment.Background), "per key of the nearest half-window, over the background");
            Assert.That(enrichment.RowSumError, Is.LessThan(1e-5), "probabilities from the dense reference's log-sum-exp sum to 1");
        });
    }

    [Test]
    public void NoiseWashesTheStructureOut()
    {
        Enrichment quiet = MeasureEnrichment(StructuredAttentionData.Generate(s_planted with { NoiseLevel = 0 }), head: 0);
        Enrichment noisy = MeasureEnrichment(StructuredAttentionData.Generate(s_planted with { NoiseLevel = 2 }), head: 0);
        Assert.Multiple(() =>
        {
            Assert.That(noisy.Verticals, Is.LessThan(quiet.Verticals / 2));
            Assert.That(noisy.Diagonals, Is.LessThan(quiet.Diagonals / 2));
            Assert.That(noisy.Background, Is.GreaterThan(quiet.Background * 2));
        });
    }

    [Test]
    public void QueryHeadsOfAGroupShareTheStructureButNotTheNoise()
    {
        StructuredAttentionData data = StructuredAttentionData.Generate(s_planted with { BatchSize = 2, SequenceLength = 64, VerticalPositions = [20] });
        float[] q = data.Q.Data.ToArray();
        int headSize = 64 * 64;
        Assert.Multiple(() =>
        {
            Assert.That(q[..headSize], Is.Not.EqualTo(q[headSize..(2 * headSize)]), "heads 0 and 1");
            Assert.That(q[..headSize], Is.Not.EqualTo(q[(2 * headSize)..(3 * headSize)]), "batch 0 and 1");
            Assert.That(MeasureEnrichment(data, head: 0, batch: 1).Sinks, Is.GreaterThan(5));
        });
    }

    [Test]
    public void InvalidOptionsAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => StructuredAttentionData.Generate(s_planted with { HeadDim = 63 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("options.HeadDim = 63; expected an even head_dim"));
            Assert.That(() => StructuredAttentionData.Generate(s_planted with { HeadDim = 6 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("options.HeadDim holds 6; expected a value >= 8"));
            Assert.That(() => StructuredAttentionData.Generate(s_planted with { Heads = 3, KvHeads = 2 }),
                Throws.ArgumentException.With.Message.Contains("options.Heads = 3 is not a multiple of options.KvHeads = 2"));
            Assert.That(() => StructuredAttentionData.Generate(s_planted with { VerticalPositions = [256] }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("expected key positions in [0, 256)"));
            Assert.That(() => StructuredAttentionData.Generate(s_planted with { DiagonalOffsets = [-1] }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("options.DiagonalOffsets holds -1"));
            Assert.That(() => StructuredAttentionData.Generate(s_planted with { NoiseLevel = -0.1 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("options.NoiseLevel = -0.1"));
            Assert.That(() => StructuredAttentionData.Generate(s_planted with { LocalWindow = 0 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options"));
        });
    }

    [Test]
    public void HeadProfilesScaleEachComponentOfTheirHeadOnly()
    {
        // Without noise each logit is a sum of the components' terms, linear in the query's weights.
        StructuredAttentionOptions plain = s_planted with { NoiseLevel = 0 };
        StructuredAttentionOptions profiled = plain with
        {
            HeadProfiles = [new StructuredHeadProfile(Sink: 2, Vertical: 0, Local: 1, Diagonal: 1), StructuredHeadProfile.Default],
        };
        double[] before = Scores(StructuredAttentionData.Generate(plain), 0, 0, row: 200);
        StructuredAttentionData data = StructuredAttentionData.Generate(profiled);
        double[] after = Scores(data, 0, 0, row: 200);
        double[] otherHead = Scores(data, 0, 1, row: 200);
        double[] otherHeadBefore = Scores(StructuredAttentionData.Generate(plain), 0, 1, row: 200);
        int ordinary = Enumerable.Range(5, 190).First(key => key != 70 && key != 150 && key != 200 - 37 && key != 200 - 90);

        Assert.Multiple(() =>
        {
            // Sink key 0 gains one more sink logit; vertical key 150 loses its vertical logit; an ordinary key is unchanged.
            Assert.That(after[0] - before[0], Is.EqualTo(StructuredSignalLayout.SinkLogit).Within(0.05));
            Assert.That(before[150] - after[150], Is.EqualTo(StructuredSignalLayout.VerticalLogit).Within(0.05));
            Assert.That(after[ordinary], Is.EqualTo(before[ordinary]).Within(1e-4));
            Assert.That(otherHead, Is.EqualTo(otherHeadBefore).Within(1e-4), "the default-profile head is untouched");
        });
    }

    [Test]
    public void ZeroWeightsLeaveOnlyNoiseInTheQueries()
    {
        StructuredAttentionOptions options = s_planted with { NoiseLevel = 0, HeadProfiles = [new StructuredHeadProfile(0, 0, 0, 0), StructuredHeadProfile.Default] };
        StructuredAttentionData data = StructuredAttentionData.Generate(options);
        int headSize = options.SequenceLength * options.HeadDim;
        Assert.That(data.Q.Data.Span[..headSize].ToArray(), Is.All.EqualTo(0f));
    }

    [TestCase(1)]
    [TestCase(3)]
    public void ProfileCountMustMatchTheHeads(int count)
    {
        StructuredAttentionOptions options = s_planted with { HeadProfiles = [.. Enumerable.Repeat(StructuredHeadProfile.Default, count)] };
        Assert.That(() => StructuredAttentionData.Generate(options), Throws.ArgumentException.With.Message.Contains("expected none or one per query head (2)"));
    }

    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void NegativeOrNonFiniteWeightsAreRejected(double weight)
    {
        StructuredAttentionOptions options = s_planted with { HeadProfiles = [StructuredHeadProfile.Default, new StructuredHeadProfile(1, 1, weight, 1)] };
        Assert.That(() => StructuredAttentionData.Generate(options), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("options.HeadProfiles[1].Local"));
    }

    /// <summary>Scaled scores q_row · k_j / sqrt(D) of every key j, from the raw tensors.</summary>
    private static double[] Scores(StructuredAttentionData data, int batch, int head, int row)
    {
        StructuredAttentionOptions o = data.Options;
        ReadOnlySpan<float> q = data.Q.Data.Span;
        ReadOnlySpan<float> k = data.K.Data.Span;
        int kvHead = head / (o.Heads / o.KvHeads);
        var scores = new double[o.SequenceLength];
        for (int key = 0; key < o.SequenceLength; key++)
        {
            double dot = 0;
            for (int d = 0; d < o.HeadDim; d++)
            {
                dot += (double)q[(int)data.Q.Layout.GetOffset(batch, head, row, d)] * k[(int)data.K.Layout.GetOffset(batch, kvHead, key, d)];
            }

            scores[key] = dot / Math.Sqrt(o.HeadDim);
        }

        return scores;
    }

    /// <summary>
    /// Over the second half of the rows, the mean probability of each kind of key divided by the
    /// uniform probability 1/(i + 1), with probabilities exp(score − LSE) and LSE from
    /// <see cref="CpuAttention.Dense"/>. Background keys are the unstructured ones: past the sinks,
    /// more than two windows back, not vertical, and more than 2 away from every diagonal.
    /// </summary>
    private static Enrichment MeasureEnrichment(StructuredAttentionData data, int head, int batch = 0)
    {
        StructuredAttentionOptions o = data.Options;
        int n = o.SequenceLength;
        var output = new float[data.Q.Data.Length];
        var logSumExp = new float[o.BatchSize * o.Heads * n];
        CpuAttention.Dense(data.Q, data.K, data.V, new HostTensor(output, data.Q.Layout), new DenseAttentionOptions { Causal = true }, logSumExp);

        double sinks = 0, verticals = 0, local = 0, diagonals = 0, background = 0, rowSumError = 0;
        int rows = 0;
        for (int row = n / 2; row < n; row++)
        {
            double[] scores = Scores(data, batch, head, row);
            double rowLogSumExp = logSumExp[(((batch * o.Heads) + head) * n) + row];
            double P(int key) => Math.Exp(scores[key] - rowLogSumExp) * (row + 1);
            bool IsBackground(int key) =>
                key >= o.SinkTokens && row - key > 2 * o.LocalWindow && !o.VerticalPositions.Contains(key)
                && o.DiagonalOffsets.All(offset => Math.Abs(row - key - offset) > 2);
            rowSumError = Math.Max(rowSumError, Math.Abs((Enumerable.Range(0, row + 1).Sum(P) / (row + 1)) - 1));
            sinks += Enumerable.Range(0, o.SinkTokens).Average(P);
            verticals += o.VerticalPositions.Where(key => key < row - o.LocalWindow).Select(P).DefaultIfEmpty(0).Average();
            local += Enumerable.Range(row - (o.LocalWindow / 2) + 1, o.LocalWindow / 2).Average(P);
            diagonals += o.DiagonalOffsets.Where(offset => offset <= row).Select(offset => P(row - offset)).DefaultIfEmpty(0).Average();
            background += Enumerable.Range(0, row + 1).Where(IsBackground).Select(P).DefaultIfEmpty(0).Average();
            rows++;
        }

        return new Enrichment(sinks / rows, verticals / rows, local / rows, diagonals / rows, background / rows, rowSumError);
    }

    private static double RootMeanSquare(float[] values) => Math.Sqrt(values.Average(v => (double)v * v));

    private readonly record struct Enrichment(double Sinks, double Verticals, double LocalBand, double Diagonals, double Background, double RowSumError);
}
