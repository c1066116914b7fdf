using MInference.Synthetic;

namespace MInference.Tests.Synthetic;

public sealed class OutlierKvDataTests
{
    private static readonly OutlierKvOptions Options = new() { SequenceLength = 512, Heads = 4, KvHeads = 2, HeadDim = 64, ModelSeed = 3, SequenceSeed = 4 };

    [Test]
    public void EqualOptionsGiveEqualTensorsAndTheSequenceSeedOnlyChangesTheTokens()
    {
        OutlierKvData first = OutlierKvData.Generate(Options);
        OutlierKvData again = OutlierKvData.Generate(Options);
        OutlierKvData otherText = OutlierKvData.Generate(Options with { SequenceSeed = 5 });

        Assert.Multiple(() =>
        {
            Assert.That(again.K.Data.ToArray(), Is.EqualTo(first.K.Data.ToArray()));
            Assert.That(again.Q.Data.ToArray(), Is.EqualTo(first.Q.Data.ToArray()));
            Assert.That(otherText.K.Data.ToArray(), Is.Not.EqualTo(first.K.Data.ToArray()));
            Assert.That(OutlierKvData.OutlierChannelsOf(Options with { SequenceSeed = 5 }, 1), Is.EqualTo(OutlierKvData.OutlierChannelsOf(Options, 1)));
        });
    }

    [Test]
    public void UndoingRopeRevealsTheOutlierChannels()
    {
        // Rotating each key back by its position recovers the pre-RoPE channels: outlier channels average
        // ±10 (their mean; the 512-token mean of N(0, 2²·s²) noise is within ±0.5), the others under 2.5
        // (μ ~ N(0, 0.5²): 5 deviations).
        OutlierKvData data = OutlierKvData.Generate(Options);
        const int Dim = 64, Tokens = 512;
        var means = new double[Dim];
        ReadOnlySpan<float> keys = data.K.Data.Span[(Tokens * Dim)..];
        for (int t = 0; t < Tokens; t++)
        {
            for (int i = 0; i < Dim / 2; i++)
            {
                double angle = -t * Math.Pow(10000, -2.0 * i / Dim);
                double x = keys[(t * Dim) + i], y = keys[(t * Dim) + i + (Dim / 2)];
                means[i] += ((x * Math.Cos(angle)) - (y * Math.Sin(angle))) / Tokens;
                means[i + (Dim / 2)] += ((x * Math.Sin(angle)) + (y * Math.Cos(angle))) / Tokens;
            }
        }

        int[] outliers = OutlierKvData.OutlierChannelsOf(Options, 1);
        Assert.Multiple(() =>
        {
            Assert.That(outliers, Has.Length.EqualTo(4));
            for (int c = 0; c < Dim; c++)
            {
                Assert.That(Math.Abs(means[c]), outliers.Contains(c) ? Is.EqualTo(10).Within(0.5) : Is.LessThan(2.5), $"channel {c}");
            }
        });
    }

    [Test]
    public void BadOptionsAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => OutlierKvData.Generate(Options with { Heads = 3 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("multiple of options.KvHeads"));
            Assert.That(() => OutlierKvData.Generate(Options with { OutlierChannels = 9 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("expected 0 to head_dim / 8 = 8"));
            Assert.That(() => OutlierKvData.Generate(Options with { HeadDim = 7 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("even head_dim"));
        });
    }
}
