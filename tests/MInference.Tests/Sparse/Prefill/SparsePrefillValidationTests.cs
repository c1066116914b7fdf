using MInference.Sparse;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Tests.Validation;

namespace MInference.Tests.Sparse.Prefill;

/// <summary>What <see cref="SparsePrefill"/> checks before it launches anything: operands, patterns, groups and options.</summary>
public sealed class SparsePrefillValidationTests
{
    [Test]
    public void ValidOperandsGiveTheProblemsSizes()
    {
        CausalProblem problem = Validate(Bhsd(2, 8, 1000, 128), Bhsd(2, 2, 1000, 128));
        Assert.That(problem, Is.EqualTo(new CausalProblem(Batch: 2, QHeads: 8, KvHeads: 2, SequenceLength: 1000, HeadDim: 128)));
    }

    [Test]
    public void PrefillNeedsAsManyQueriesAsKeys() =>
        Assert.That(() => Validate(Bhsd(1, 8, 100, 64), Bhsd(1, 2, 200, 64)),
            Throws.ArgumentException.With.Message.Contains("q_len == kv_len").And.Property(nameof(ArgumentException.ParamName)).EqualTo("q"));

    [Test]
    public void MoreHeadsThanOneLaunchTakesAreRejected() =>
        Assert.That(() => Validate(Bhsd(1, HeadList.MaxCount + 8, 64, 64), Bhsd(1, 8, 64, 64)),
            Throws.ArgumentException.With.Message.Contains("at most 1024"));

    [TestCase(256, DType.BFloat16)]
    [TestCase(64, DType.Float32)]
    public void KernelsThatDoNotExistAreReported(int headDim, DType dtype) =>
        Assert.That(() => Validate(Bhsd(1, 4, 64, headDim), Bhsd(1, 4, 64, headDim), dtype), Throws.TypeOf<NotSupportedException>());

    [Test]
    public void TheDenseOperandRulesApply()
    {
        TensorLayout q = Bhsd(1, 4, 64, 64);
        var storage = new object();
        Assert.Multiple(() =>
        {
            Assert.That(() => SparsePrefillValidation.ValidateOperands(
                    Operands.Of("q", q, storage: storage, storageBytes: 1 << 20), Operands.Of("k", q), Operands.Of("v", q), Operands.Of("output", q, storage: storage, storageBytes: 1 << 20), null),
                Throws.ArgumentException.With.Message.Contains("overlaps"), "the output overlaps q");
            Assert.That(() => SparsePrefillValidation.ValidateOperands(
                    Operands.Of("q", q), Operands.Of("k", q), Operands.Of("v", q), Operands.Of("output", q), new LogSumExpTarget(new object(), 4)),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("logSumExp"), "the log-sum-exp is too short");
        });
    }

    [Test]
    public void HeadsAreGroupedByDistinctPatternInOrderOfFirstHead()
    {
        var verticalSlash = new VerticalSlashPattern(1000, 6096);
        var aShape = new AShapePattern(128, 4096);
        HeadPattern[] patterns = [aShape, verticalSlash, new DensePattern(), new VerticalSlashPattern(1000, 6096), aShape, new DensePattern()];

        PatternHeadGroup[] groups = SparsePrefillValidation.Group(patterns, 6, "headPatterns");

        Assert.Multiple(() =>
        {
            Assert.That(groups.Select(group => group.Pattern), Is.EqualTo(new HeadPattern[] { aShape, verticalSlash, new DensePattern() }));
            Assert.That(groups.Select(group => group.Heads.ToArray()), Is.EqualTo(new[] { new[] { 0, 4 }, new[] { 1, 3 }, new[] { 2, 5 } }));
        });
    }

    [Test]
    public void ThePatternListMustHaveOneNonNullPatternPerHead()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => SparsePrefillValidation.Group([new DensePattern()], 2, "headPatterns"),
                Throws.ArgumentException.With.Message.Contains("headPatterns holds 1 patterns; expected one per query head, 2"));
            Assert.That(() => SparsePrefillValidation.Group([new DensePattern(), null!], 2, "headPatterns"),
                Throws.ArgumentException.With.Message.Contains("headPatterns[1] is null"));
        });
    }

    [Test]
    public void TheGroupsOfAConfigurationLayerGiveBackItsPatterns()
    {
        HeadPattern[] layer = [new BlockSparsePattern(100), new DensePattern(), new BlockSparsePattern(100), new AShapePattern(4, 64)];
        var config = new HeadPatternConfig([layer.Select(pattern => new HeadPatternEntry(pattern, 0.5)).ToArray()]);

        HeadPattern[] patterns = SparsePrefillValidation.PatternsOf(config.GroupHeadsByPattern(0), 4, "groups");

        Assert.That(patterns, Is.EqualTo(layer));
    }

    [Test]
    public void GroupsMustCoverEveryHeadOnce()
    {
        var dense = new DensePattern();
        Assert.Multiple(() =>
        {
            Assert.That(() => SparsePrefillValidation.PatternsOf([new PatternHeadGroup(dense, [0, 2])], 3, "groups"),
                Throws.ArgumentException.With.Message.Contains("no group of groups holds head 1"));
            Assert.That(() => SparsePrefillValidation.PatternsOf([new PatternHeadGroup(dense, [0, 1]), new PatternHeadGroup(new AShapePattern(1, 2), [1])], 2, "groups"),
                Throws.ArgumentException.With.Message.Contains("holds head 1, which an earlier group holds too"));
            Assert.That(() => SparsePrefillValidation.PatternsOf([new PatternHeadGroup(dense, [0, 5])], 2, "groups"),
                Throws.ArgumentException.With.Message.Contains("holds head 5; expected query heads in [0, 2)"));
            Assert.That(() => SparsePrefillValidation.PatternsOf([null!], 2, "groups"),
                Throws.ArgumentException.With.Message.Contains("groups[0] is null"));
        });
    }

    [Test]
    public void TheDefaultPolicyLeavesTheDecisionToTheBackendsCostModel()
    {
        var prefill = new SparsePrefill();
        Assert.Multiple(() =>
        {
            Assert.That(prefill.Options.MinSequenceLength, Is.Zero, "no length limit: the cost model decides");
            Assert.That(prefill.Options.MinEstimatedSequenceLength, Is.Zero);
            Assert.That(prefill.Options.CostModel, Is.Null, "each backend's own model");
            Assert.That(prefill.Options.MaxIndexBytes, Is.EqualTo(4L << 30));
            Assert.That(prefill.Options.MaxDensity, Is.EqualTo(0.8));
            Assert.That(prefill.Options.MeasureStepTimes || prefill.Options.ExactDensity || prefill.Options.KeepIndices, Is.False, "measuring is opt-in");
        });
    }

    [TestCase(-1, 0.5, "MinSequenceLength")]
    [TestCase(-2, 0.5, "MinEstimatedSequenceLength")]
    [TestCase(4096, -0.01, "MaxDensity")]
    [TestCase(4096, 1.01, "MaxDensity")]
    [TestCase(4096, double.NaN, "MaxDensity")]
    public void APolicyOutOfRangeIsRejected(int minSequenceLength, double maxDensity, string field)
    {
        var options = minSequenceLength == -2
            ? new SparsePrefillOptions { MinEstimatedSequenceLength = -1, MaxDensity = maxDensity }
            : new SparsePrefillOptions { MinSequenceLength = minSequenceLength, MaxDensity = maxDensity };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SparsePrefill(options));
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo("options"));
            Assert.That(error.Message, Does.Contain(field));
        });
    }

    [Test]
    public void TheLimitsAreStrict()
    {
        var options = new SparsePrefillOptions { MinSequenceLength = 4096, MinEstimatedSequenceLength = 32768, MaxDensity = 0.8 };
        var aShape = new AShapePattern(4, 64);
        var verticalSlash = new VerticalSlashPattern(30, 64);
        Assert.Multiple(() =>
        {
            Assert.That(options.IsTooShort(4095, aShape), Is.True);
            Assert.That(options.IsTooShort(4096, aShape), Is.False);
            Assert.That(options.IsTooShort(32767, verticalSlash), Is.True, "estimated patterns need longer sequences");
            Assert.That(options.IsTooShort(32767, new BlockSparsePattern(2)), Is.True);
            Assert.That(options.IsTooShort(32768, verticalSlash), Is.False);
            Assert.That(options.IsTooDense(0.8), Is.False);
            Assert.That(options.IsTooDense(0.8000001), Is.True);
            Assert.That(new SparsePrefillOptions { MaxDensity = 1 }.IsTooDense(1), Is.False, "1 never falls back");
            Assert.That(new SparsePrefillOptions { MaxDensity = 0 }.IsTooDense(1e-9), Is.True, "0 always falls back");
            Assert.That(new SparsePrefillOptions { MinSequenceLength = 0 }.IsTooShort(1, aShape), Is.False);
            Assert.That(new SparsePrefillOptions { MinSequenceLength = 0, MinEstimatedSequenceLength = 0 }.IsTooShort(1, verticalSlash), Is.False);
        });
    }

    private static TensorLayout Bhsd(int batch, int heads, int length, int headDim) => TensorLayout.Bhsd(batch, heads, length, headDim);

    private static CausalProblem Validate(TensorLayout q, TensorLayout kv, DType dtype = DType.BFloat16) =>
        SparsePrefillValidation.ValidateOperands(
            Operands.Of("q", q, dtype), Operands.Of("k", kv, dtype), Operands.Of("v", kv, dtype), Operands.Of("output", q, dtype), null);
}
