using MInference.Evaluation;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Tests.Evaluation;

public sealed class PatternSearchTests
{
    [Test]
    public void WithinTheBudgetTheLowestErrorWinsAndTiesGoToTheCheaperKind()
    {
        // Head 0: the VS candidate is clearly better. Head 1: A-shape ties with VS (within the tolerance) and wins as the cheaper kind.
        // Head 2: nothing reaches the error limit, so it stays dense. Head 3: the best candidate is over budget.
        var aShape = new AShapePattern(4, 64);
        var verticalSlash = new VerticalSlashPattern(100, 64);
        var block = new BlockSparsePattern(2);
        var layer = new ScriptedLayer(EvaluationInputs.Layer(64, 4, 2), new()
        {
            [aShape] = ([0.05, 0.011, 0.3, 0.2], [0.05, 0.05, 0.05, 0.05]),
            [verticalSlash] = ([0.002, 0.010, 0.2, 0.001], [0.06, 0.06, 0.06, 0.5]),
            [block] = ([0.3, 0.3, 0.3, 0.3], [0.04, 0.04, 0.04, 0.04]),
        });
        IReadOnlyList<HeadSearchResult> results = PatternSearch.SearchLayer(
            layer, layer.Dense(), [aShape, block, verticalSlash], new PatternSearchOptions { DensityBudget = 0.1, MaxRelativeError = 0.05, ErrorTolerance = 0.005 });
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(result => result.Chosen), Is.EqualTo(new HeadPattern[] { verticalSlash, aShape, new DensePattern(), new DensePattern() }));
            Assert.That(results[2].Reason, Does.Contain("exceeds"));
            Assert.That(results[0].Candidates.Select(candidate => candidate.Pattern), Is.EqualTo(new HeadPattern[] { aShape, block, verticalSlash }));
            Assert.That(results[3].Candidates[2].WithinBudget, Is.False);
            Assert.That(results[0].Score!.Accuracy.RelativeL2, Is.EqualTo(0.002).Within(1e-6), "float outputs");
        });

        HeadPatternConfig config = PatternSearch.ToConfig([results]);
        Assert.That(config.GetLayer(0).Select(entry => entry.Pattern), Is.EqualTo(results.Select(result => result.Chosen)));
    }

    [Test]
    public void TheGridIsSparseDistinctAndScaledToTheSample()
    {
        foreach (int n in (int[])[64, 1000, 32768])
        {
            IReadOnlyList<HeadPattern> grid = SearchCandidates.For(n);
            Assert.That(grid, Is.Unique.And.Not.Empty);
            Assert.That(grid.OfType<DensePattern>(), Is.Empty);
        }

        Assert.That(SearchCandidates.For(32768).OfType<AShapePattern>().Select(pattern => pattern.LocalWindow), Is.EqualTo(new[] { 1024, 2048, 4096, 8192 }));
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        var layer = new ScriptedLayer(EvaluationInputs.Layer(64, 4, 2), []);
        Assert.Multiple(() =>
        {
            Assert.That(() => PatternSearch.SearchLayer(layer, layer.Dense(), [], new PatternSearchOptions()), Throws.ArgumentException);
            Assert.That(() => PatternSearch.SearchLayer(layer, layer.Dense(), [new DensePattern()], new PatternSearchOptions()), Throws.ArgumentException);
            Assert.That(() => PatternSearch.SearchLayer(layer, layer.Dense(), [new AShapePattern(1, 1)], new PatternSearchOptions { DensityBudget = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    /// <summary>A layer whose sparse runs have scripted per-head errors (relative L2, as a uniform offset) and densities.</summary>
    private sealed class ScriptedLayer(LayerInputs inputs, Dictionary<HeadPattern, (double[] Errors, double[] Densities)> script) : IPrefillLayer
    {
        public LayerInputs Inputs { get; } = inputs;

        public LayerRun Dense(bool timed = true) => Make(_ => 0, _ => 1, new DensePattern());

        public LayerRun Sparse(IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions options, bool timed = true)
        {
            (double[] errors, double[] densities) = script[headPatterns[0]];
            return Make(head => errors[head], head => densities[head], headPatterns[0]);
        }

        public void Dispose()
        {
        }

        /// <summary>Dense output is 1 everywhere; a head with error e outputs 1 + e, so its relative L2 error is e.</summary>
        private LayerRun Make(Func<int, double> error, Func<int, double> density, HeadPattern pattern)
        {
            int perHead = Inputs.SequenceLength * Inputs.HeadDim;
            float[] output = [.. Enumerable.Range(0, Inputs.Heads * perHead).Select(index => (float)(1 + error(index / perHead)))];
            HeadRun[] heads = [.. Enumerable.Range(0, Inputs.Heads).Select(head => new HeadRun(head, pattern, null, density(head), VisibleKeys.DenseCausal))];
            return new LayerRun(output, new float[Inputs.Heads * Inputs.SequenceLength], heads, 1);
        }
    }
}
