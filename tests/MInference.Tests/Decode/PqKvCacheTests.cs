using MInference.Decode;

namespace MInference.Tests.Decode;

public sealed class PqKvCacheTests
{
    private const int KvHeads = 2;
    private const int HeadDim = 64;
    private const int Subspaces = 32;

    private static readonly PqCodebooks Books = TestCodebooks.Random(1, KvHeads, HeadDim, Subspaces, seed: 100);

    [TestCase(0, 0, 0)]
    [TestCase(1, 0, 1)]
    [TestCase(63, 0, 63)]
    [TestCase(64, 0, 64)]
    [TestCase(127, 0, 127)]
    [TestCase(128, 0, 128, Description = "the 128th step fills the window; nothing is coded yet")]
    [TestCase(129, 128, 1, Description = "the 129th step flushes all 128 and starts the window again")]
    [TestCase(256, 128, 128)]
    [TestCase(257, 256, 1)]
    [TestCase(1000, 896, 104)]
    public void StepsFlushTheWholeWindowWhenItIsFull(int steps, int coded, int window)
    {
        PqKvCache cache = Create(batch: 1, capacity: 1000);
        for (int step = 0; step < steps; step++)
        {
            cache.AppendStep(TestCodebooks.Step(1, KvHeads, HeadDim, seed: step), TestCodebooks.Step(1, KvHeads, HeadDim, seed: 5000 + step));
        }

        Assert.Multiple(() =>
        {
            Assert.That((cache.Length(0), cache.CodedLength(0), cache.WindowLength(0)), Is.EqualTo((steps, coded, window)));
            Assert.That(PqKvCache.CodedTokens(steps, 128), Is.EqualTo(coded));
            Assert.That(cache.KeyCodes(0, 1).Length, Is.EqualTo(coded * Subspaces));
            Assert.That(cache.ValueWindow(0, 1).Length, Is.EqualTo(window * HeadDim));
        });
    }

    [TestCase(0, 1)]
    [TestCase(128, 1)]
    [TestCase(256, 3)]
    [TestCase(100, 60)]
    [TestCase(129, 128)]
    public void APromptLandsAsItsTokensAppendedOneByOne(int prompt, int steps)
    {
        // Same tokens, once as a prompt followed by steps and once all as steps: codes and window equal.
        const int Total = 600;
        var keys = TestCodebooks.Prompt(KvHeads, Total, HeadDim, seed: 1);
        var values = TestCodebooks.Prompt(KvHeads, Total, HeadDim, seed: 2);
        PqKvCache byPrompt = Create(batch: 1, capacity: Total);
        PqKvCache bySteps = Create(batch: 1, capacity: Total);

        byPrompt.AppendPrompt(0, Slice(keys, 0, prompt), Slice(values, 0, prompt));
        for (int t = prompt; t < prompt + steps; t++)
        {
            byPrompt.AppendStep(Token(keys, t), Token(values, t));
        }

        for (int t = 0; t < prompt + steps; t++)
        {
            bySteps.AppendStep(Token(keys, t), Token(values, t));
        }

        Assert.Multiple(() =>
        {
            Assert.That(byPrompt.Length(0), Is.EqualTo(prompt + steps));
            for (int head = 0; head < KvHeads; head++)
            {
                Assert.That(byPrompt.KeyCodes(0, head).ToArray(), Is.EqualTo(bySteps.KeyCodes(0, head).ToArray()));
                Assert.That(byPrompt.ValueCodes(0, head).ToArray(), Is.EqualTo(bySteps.ValueCodes(0, head).ToArray()));
                Assert.That(byPrompt.KeyWindow(0, head).ToArray(), Is.EqualTo(bySteps.KeyWindow(0, head).ToArray()));
                Assert.That(byPrompt.ValueWindow(0, head).ToArray(), Is.EqualTo(bySteps.ValueWindow(0, head).ToArray()));
            }
        });
    }

    [Test]
    public void CodesAreTheEncodingOfTheRoundedTokens()
    {
        var keys = TestCodebooks.Prompt(KvHeads, 300, HeadDim, seed: 3);
        PqKvCache cache = Create(batch: 1, capacity: 300);
        cache.AppendPrompt(0, keys, keys);

        // 300 tokens: 256 coded, 44 in the window. Token t of head 1 rounded to bf16, then encoded.
        var rounded = new float[256 * HeadDim];
        var bits = new ushort[rounded.Length];
        keys.Data.Span.Slice(300 * HeadDim, rounded.Length).CopyTo(rounded);
        HalfPrecision.ToBFloat16(rounded, bits);
        HalfPrecision.FromBFloat16(bits, rounded);
        var expected = new byte[256 * Subspaces];
        PqEncoder.Encode(Books.Keys(0, 1), rounded, expected);

        var windowBits = new ushort[44 * HeadDim];
        HalfPrecision.ToBFloat16(keys.Data.Span.Slice((300 + 256) * HeadDim, windowBits.Length), windowBits);
        Assert.Multiple(() =>
        {
            Assert.That(cache.KeyCodes(0, 1).ToArray(), Is.EqualTo(expected));
            Assert.That(cache.KeyWindow(0, 1).ToArray(), Is.EqualTo(windowBits));
        });
    }

    [Test]
    public void OverflowingAppendsThrowAndLeaveTheCacheUnchanged()
    {
        PqKvCache cache = Create(batch: 3, capacity: 130);
        cache.AppendPrompt(0, TestCodebooks.Prompt(KvHeads, 130, HeadDim, 1), TestCodebooks.Prompt(KvHeads, 130, HeadDim, 2));
        cache.AppendPrompt(1, TestCodebooks.Prompt(KvHeads, 129, HeadDim, 3), TestCodebooks.Prompt(KvHeads, 129, HeadDim, 4));
        byte[] codes = cache.KeyCodes(1, 0).ToArray();
        ushort[] window = cache.ValueWindow(1, 1).ToArray();

        Assert.Multiple(() =>
        {
            KvCacheCapacityException? step = Assert.Throws<KvCacheCapacityException>(
                () => cache.AppendStep(TestCodebooks.Step(3, KvHeads, HeadDim, 5), TestCodebooks.Step(3, KvHeads, HeadDim, 6)));
            Assert.That((step!.Sequence, step.Length, step.Appended, step.Capacity), Is.EqualTo((0, 130, 1, 130)));
            KvCacheCapacityException? prompt = Assert.Throws<KvCacheCapacityException>(
                () => cache.AppendPrompt(1, TestCodebooks.Prompt(KvHeads, 2, HeadDim, 7), TestCodebooks.Prompt(KvHeads, 2, HeadDim, 8)));
            Assert.That(prompt!.Message, Does.Contain("sequence 1 holds 129 tokens and the append brings 2: 131 > capacity 130"));
            Assert.That(new[] { cache.Length(0), cache.Length(1), cache.Length(2) }, Is.EqualTo(new[] { 130, 129, 0 }), "no sequence grew, not even those with room");
            Assert.That(cache.KeyCodes(1, 0).ToArray(), Is.EqualTo(codes));
            Assert.That(cache.ValueWindow(1, 1).ToArray(), Is.EqualTo(window));
        });
    }

    [Test]
    public void BadInputsAreRejectedWithTheArgumentNamed()
    {
        PqKvCache cache = Create(batch: 2, capacity: 10);
        float[] withNaN = new float[2 * KvHeads * HeadDim];
        withNaN[3] = float.NaN;
        var step = TestCodebooks.Step(2, KvHeads, HeadDim, 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => cache.AppendPrompt(2, TestCodebooks.Prompt(KvHeads, 1, HeadDim, 1), TestCodebooks.Prompt(KvHeads, 1, HeadDim, 1)),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("sequence"));
            Assert.That(() => cache.AppendPrompt(0, TestCodebooks.Prompt(KvHeads + 1, 1, HeadDim, 1), TestCodebooks.Prompt(KvHeads, 1, HeadDim, 1)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("keys").And.Message.Contains("[kv_heads, P, head_dim]"));
            Assert.That(() => cache.AppendPrompt(0, TestCodebooks.Prompt(KvHeads, 2, HeadDim, 1), TestCodebooks.Prompt(KvHeads, 1, HeadDim, 1)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("values"));
            Assert.That(() => cache.AppendStep(step, new ReadOnlyHostTensor(withNaN, step.Layout)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("values").And.Message.Contains("expected finite values"));
            Assert.That(() => cache.AppendStep(TestCodebooks.Step(1, KvHeads, HeadDim, 1), TestCodebooks.Step(1, KvHeads, HeadDim, 1)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("keys").And.Message.Contains("[B, kv_heads, head_dim]"));
            Assert.That(() => new PqKvCache(Books, 1, new PqKvCacheOptions()), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("layer"));
            Assert.That(() => new PqKvCache(Books, 0, new PqKvCacheOptions { DType = DType.Float32 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("expected Float16 or BFloat16"));
            Assert.That(() => new PqKvCache(Books, 0, new PqKvCacheOptions { WindowTokens = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("WindowTokens = 0"));
            Assert.That(() => new PqKvCache(Books, 0, new PqKvCacheOptions { BatchSize = 1 << 20, Capacity = 1 << 20 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("one .NET array"));
        });
        Assert.That(cache.Length(0) + cache.Length(1), Is.Zero, "rejected inputs change nothing");
    }

    private static PqKvCache Create(int batch, int capacity) =>
        new(Books, 0, new PqKvCacheOptions { BatchSize = batch, Capacity = capacity });

    private static ReadOnlyHostTensor Slice(ReadOnlyHostTensor prompt, int start, int count)
    {
        int total = (int)prompt.Layout.Lengths[1];
        return new ReadOnlyHostTensor(prompt.Data[(start * HeadDim)..], new TensorLayout([KvHeads, count, HeadDim], [total * HeadDim, HeadDim, 1]));
    }

    private static ReadOnlyHostTensor Token(ReadOnlyHostTensor prompt, int token)
    {
        int total = (int)prompt.Layout.Lengths[1];
        return new ReadOnlyHostTensor(prompt.Data[(token * HeadDim)..], new TensorLayout([1, KvHeads, HeadDim], [0, total * HeadDim, 1]));
    }
}
