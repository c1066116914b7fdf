using MInference.Sparse.Estimation;
using MInference.Sparse.Patterns;
using MInference.Sparse.References;

namespace MInference.Tests.Sparse.References;

public sealed class SparsePrefillReferenceTests
{
    [Test]
    public void EachHeadIsComputedWithItsOwnPattern()
    {
        // Six heads over three key/value heads: two Vertical-Slash, one Block-Sparse, two A-shape, one dense.
        var operands = new SparseOperands(batch: 2, heads: 6, kvHeads: 3, length: 200, headDim: 8, seed: 41);
        var verticalSlash = new VerticalSlashPattern(31, 60);
        var blockSparse = new BlockSparsePattern(2);
        var aShape = new AShapePattern(4, 50);
        HeadPattern[] patterns = [verticalSlash, aShape, blockSparse, verticalSlash, new DensePattern(), aShape];
        (float[] output, float[] logSumExp) = operands.NaNBuffers();

        SparsePrefillReference.RunLayer(operands.Q, operands.K, operands.V, patterns, new HostTensor(output, operands.OutputLayout), logSumExp);

        (float[] expected, float[] expectedLogSumExp) = operands.NaNBuffers();
        var expectedOutput = new HostTensor(expected, operands.OutputLayout);
        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(operands.Q, operands.K, [0, 3], verticalSlash);
        SparseAttentionReference.VerticalSlash(operands.Q, operands.K, operands.V, VerticalSlashIndexBuilder.Build(estimate.Selection), expectedOutput, expectedLogSumExp);
        SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, [1, 5], aShape, expectedOutput, expectedLogSumExp);
        SparseAttentionReference.BlockSparse(
            operands.Q, operands.K, operands.V, BlockSparseEstimation.Estimate(operands.Q, operands.K, [2], blockSparse), expectedOutput, expectedLogSumExp);
        SparseAttentionReference.DenseCausal(operands.Q, operands.K, operands.V, [4], expectedOutput, expectedLogSumExp);

        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expected));
            Assert.That(logSumExp, Is.EqualTo(expectedLogSumExp));
            Assert.That(output, Has.None.NaN, "every head is written");
        });
    }

    [Test]
    public void ThePatternListMustHaveOnePatternPerHead()
    {
        var operands = new SparseOperands(1, 2, 1, 10, 4, seed: 42);
        var output = new HostTensor(new float[operands.OutputLength], operands.OutputLayout);
        Assert.Multiple(() =>
        {
            Assert.That(() => SparsePrefillReference.RunLayer(operands.Q, operands.K, operands.V, [new DensePattern()], output),
                Throws.ArgumentException.With.Message.Contains("headPatterns holds 1 patterns; expected one per query head, 2"));
            Assert.That(() => SparsePrefillReference.RunLayer(operands.Q, operands.K, operands.V, [new DensePattern(), null!], output),
                Throws.ArgumentException.With.Message.Contains("headPatterns[1] is null"));
        });
    }
}
