namespace MInference.Tests.Layout;

public sealed class TensorLayoutTests
{
    [Test]
    public void BhsdIsRowMajor()
    {
        TensorLayout layout = TensorLayout.Bhsd(batch: 2, heads: 8, sequenceLength: 100, headDim: 64);
        Assert.Multiple(() =>
        {
            Assert.That(layout.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 8, 100, 64 }));
            Assert.That(layout.Strides.ToArray(), Is.EqualTo(new nint[] { 8 * 100 * 64, 100 * 64, 64, 1 }));
            Assert.That(layout.IsContiguous);
            Assert.That(layout.ElementCount, Is.EqualTo(2 * 8 * 100 * 64));
            Assert.That(layout.RequiredElementCount, Is.EqualTo(layout.ElementCount));
        });
    }

    [Test]
    public void BshdKeepsLogicalOrderAndPermutesStrides()
    {
        TensorLayout layout = TensorLayout.Bshd(batch: 2, sequenceLength: 100, heads: 8, headDim: 64);
        Assert.Multiple(() =>
        {
            Assert.That(layout.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 8, 100, 64 }), "logical [batch, heads, seq, head_dim]");
            Assert.That(layout.Strides.ToArray(), Is.EqualTo(new nint[] { 100 * 8 * 64, 64, 8 * 64, 1 }));
            Assert.That(layout.IsContiguous, Is.False);
            Assert.That(layout.RequiredElementCount, Is.EqualTo(2 * 100 * 8 * 64), "dense in memory: no gaps");
            Assert.That(layout.HasDistinctElementOffsets);
        });
    }

    [TestCase(0, 0, 0, 0)]
    [TestCase(1, 7, 99, 63)]
    [TestCase(0, 3, 42, 5)]
    public void BshdOffsetIsTheMemoryOrderIndex(int b, int h, int s, int d)
    {
        const int Seq = 100, Heads = 8, Dim = 64;
        TensorLayout layout = TensorLayout.Bshd(2, Seq, Heads, Dim);
        Assert.That(layout.GetOffset(b, h, s, d), Is.EqualTo((((((long)b * Seq) + s) * Heads) + h) * Dim + d));
    }

    [Test]
    public void PaddedRowsNeedOnlyTheReachedElements()
    {
        // Rows of 64 elements, 72 apart: the last row needs no trailing padding.
        var layout = new TensorLayout([1, 2, 10, 64], [2 * 10 * 72, 10 * 72, 72, 1]);
        Assert.Multiple(() =>
        {
            Assert.That(layout.ElementCount, Is.EqualTo(1280));
            Assert.That(layout.RequiredElementCount, Is.EqualTo((1 * 10 * 72) + (9 * 72) + 63 + 1));
            Assert.That(layout.IsContiguous, Is.False);
            Assert.That(layout.HasDistinctElementOffsets);
        });
    }

    [Test]
    public void EmptyLayoutNeedsNoMemory()
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 8, 0, 64);
        Assert.Multiple(() =>
        {
            Assert.That(layout.ElementCount, Is.Zero);
            Assert.That(layout.RequiredElementCount, Is.Zero);
        });
    }

    [Test]
    public void OverlappingStridesAreDetected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new TensorLayout([4, 8], [0, 1]).HasDistinctElementOffsets, Is.False, "broadcast (stride 0) dimension");
            Assert.That(new TensorLayout([4, 8], [4, 1]).HasDistinctElementOffsets, Is.False, "rows 4 apart but 8 long");
            Assert.That(new TensorLayout([1, 8], [0, 1]).HasDistinctElementOffsets, "length-1 dimension's stride is irrelevant");
            Assert.That(new TensorLayout([4, 8], [1, 4]).HasDistinctElementOffsets, "column-major");
            Assert.That(new TensorLayout([4, 8], [1, 3]).HasDistinctElementOffsets, Is.False, "element (3, 0) and (0, 1) share offset 3");
            Assert.That(new TensorLayout([4, 8], [8, 1]).HasDistinctElementOffsets, "row-major");
        });
    }

    [Test]
    public void InvalidLayoutsAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TensorLayout([2, 3], [3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("strides"));
            Assert.That(() => new TensorLayout([2, -1], [3, 1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("lengths"));
            Assert.That(() => new TensorLayout([2, 3], [-3, 1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("strides"));
            Assert.That(() => new TensorLayout([nint.MaxValue / 2, 4], [4, 1]), Throws.ArgumentException, "span beyond long.MaxValue");
        });
    }

    [Test]
    public void GetOffsetChecksIndices()
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 2, 3, 4);
        Assert.Multiple(() =>
        {
            Assert.That(() => layout.GetOffset(0, 0, 0), Throws.ArgumentException);
            Assert.That(() => layout.GetOffset(0, 2, 0, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => layout.GetOffset(0, 0, -1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void DescribesItself() =>
        Assert.That(TensorLayout.Bhsd(1, 2, 3, 4).ToString(), Is.EqualTo("[1, 2, 3, 4] strides [24, 12, 4, 1]"));

    [TestCase(DType.Float16, 2)]
    [TestCase(DType.BFloat16, 2)]
    [TestCase(DType.Float32, 4)]
    public void ElementSizes(DType dtype, int bytes) => Assert.That(dtype.ElementSize, Is.EqualTo(bytes));
}
