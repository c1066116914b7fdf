using MInference.Multimodal;

namespace MInference.Tests.Multimodal;

public sealed class GridPermutationTests
{
    [Test]
    public void TokensAreGroupedByPhaseClassInAscendingOrder()
    {
        // N = 10, stride 4, phase 1: classes start at 1, 2, 3, 0.
        var permutation = new GridPermutation(10, 4, 1);
        Assert.Multiple(() =>
        {
            Assert.That(permutation.OriginalOrder.ToArray(), Is.EqualTo(new[] { 1, 5, 9, 2, 6, 3, 7, 0, 4, 8 }));
            Assert.That(permutation.ClassSize(0), Is.EqualTo(3));
            Assert.That(permutation.ClassSize(1), Is.EqualTo(2));
            Assert.That(permutation.ClassSize(3), Is.EqualTo(3));
        });
    }

    [TestCase(1, 1, 0)]
    [TestCase(64, 1, 0)]
    [TestCase(65, 64, 63)]
    [TestCase(1000, 256, 17)]
    [TestCase(4096, 16, 0)]
    [TestCase(16384, 257, 100)]
    [TestCase(7, 7, 6)]
    public void PermuteThenUnpermuteIsTheIdentity(int n, int stride, int phase)
    {
        var permutation = new GridPermutation(n, stride, phase);
        int[] order = permutation.OriginalOrder.ToArray();
        int[] slots = permutation.PermutedSlots.ToArray();
        const int width = 3;
        float[] rows = [.. Enumerable.Range(0, n * width).Select(i => (float)i)];
        var permuted = new float[rows.Length];
        var back = new float[rows.Length];
        permutation.Order.Permute<float>(rows, permuted, width);
        permutation.Order.Unpermute<float>(permuted, back, width);
        Assert.Multiple(() =>
        {
            Assert.That(order.Order(), Is.EqualTo(Enumerable.Range(0, n)), "a permutation");
            Assert.That(Enumerable.Range(0, n).All(p => slots[order[p]] == p), "PermutedSlots inverts OriginalOrder");
            Assert.That(back, Is.EqualTo(rows));
            Assert.That(permuted.AsSpan((n - 1) * width, width).ToArray(), Is.EqualTo(rows.AsSpan(order[n - 1] * width, width).ToArray()));
            Assert.That(Enumerable.Range(0, stride).Sum(permutation.ClassSize), Is.EqualTo(n));
        });
    }

    [Test]
    public void GridLinesBecomeContiguous()
    {
        // Vertical lines (positions ≡ phase) lead; a diagonal at offset 2·stride stays within one class, 2 slots apart.
        var permutation = new GridPermutation(100, 10, 3);
        int[] slots = permutation.PermutedSlots.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(0, 100).Where(p => p % 10 == 3).Select(p => slots[p]), Is.EqualTo(Enumerable.Range(0, 10)));
            Assert.That(slots[57] - slots[37], Is.EqualTo(2));
        });
    }

    [TestCase(0, 1, 0)]
    [TestCase(10, 0, 0)]
    [TestCase(10, 11, 0)]
    [TestCase(10, 4, 4)]
    [TestCase(10, 4, -1)]
    public void OutOfRangeArgumentsAreRejected(int n, int stride, int phase) =>
        Assert.That(() => new GridPermutation(n, stride, phase), Throws.TypeOf<ArgumentOutOfRangeException>());

    [TestCase(new[] { 0, 0 })]
    [TestCase(new[] { 1, 2 })]
    [TestCase(new[] { -1, 0 })]
    [TestCase(new int[0])]
    public void AnOrderMustBeAPermutation(int[] order) =>
        Assert.That(() => new TokenOrder(order), Throws.ArgumentException);

    [Test]
    public void SpansOfTheWrongLengthAreRejected()
    {
        var permutation = new GridPermutation(4, 2, 0);
        Assert.That(() => permutation.Order.Permute<float>(new float[8], new float[7], 2), Throws.ArgumentException);
    }
}
