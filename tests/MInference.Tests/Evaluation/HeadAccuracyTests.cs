using MInference.Evaluation;
using MInference.Sparse.Patterns;
using MInference.Sparse.References;

namespace MInference.Tests.Evaluation;

public sealed class HeadAccuracyTests
{
    [Test]
    public void IdenticalRunsHaveNoErrorAndFullRecall()
    {
        LayerInputs inputs = EvaluationInputs.Layer(64, 2, 1);
        LayerRun run = Run(inputs, (_, value) => value, 0);
        HeadAccuracy accuracy = HeadAccuracy.Compare(inputs, run, run, 1);
        Assert.That(accuracy, Is.EqualTo(new HeadAccuracy(0, 0, 1)));
    }

    [Test]
    public void ErrorsAndRecallFollowTheirDefinitions()
    {
        LayerInputs inputs = EvaluationInputs.Layer(64, 2, 1);
        LayerRun dense = Run(inputs, (_, _) => 2, 0);
        // Head 1 of the candidate is off by 0.5 everywhere, and its rows hold half the mass (lse − ln 2).
        LayerRun candidate = Run(inputs, (index, value) => index >= 64 * 64 ? 2.5f : 2, -Math.Log(2));
        HeadAccuracy head0 = HeadAccuracy.Compare(inputs, dense, candidate, 0);
        HeadAccuracy head1 = HeadAccuracy.Compare(inputs, dense, candidate, 1);
        Assert.Multiple(() =>
        {
            Assert.That(head0.RelativeL2, Is.Zero);
            Assert.That(head1.RelativeL2, Is.EqualTo(0.25).Within(1e-12));
            Assert.That(head1.MaxAbs, Is.EqualTo(0.5));
            Assert.That(head1.Recall, Is.EqualTo(0.5).Within(1e-6));
        });
    }

    [Test]
    public void RunsOfAnotherSizeAndBadHeadsAreRejected()
    {
        LayerInputs inputs = EvaluationInputs.Layer(64, 2, 1);
        LayerRun run = Run(inputs, (_, value) => value, 0);
        LayerRun shorter = new(new float[10], new float[128], run.Heads, 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => HeadAccuracy.Compare(inputs, run, shorter, 0), Throws.ArgumentException.With.Message.Contains("outputs"));
            Assert.That(() => HeadAccuracy.Compare(inputs, run, run, 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    private static LayerRun Run(LayerInputs inputs, Func<int, float, float> output, double lseShift)
    {
        float[] values = [.. Enumerable.Range(0, (int)inputs.OutputLayout.ElementCount).Select(index => output(index, 1))];
        float[] lse = [.. Enumerable.Range(0, inputs.Heads * inputs.SequenceLength).Select(row => (float)(5 + (row >= inputs.SequenceLength ? lseShift : 0)))];
        HeadRun[] heads = [.. Enumerable.Range(0, inputs.Heads).Select(head => new HeadRun(head, new DensePattern(), null, 1, VisibleKeys.DenseCausal))];
        return new LayerRun(values, lse, heads, 1);
    }
}
