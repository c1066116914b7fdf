using MInference.Sparse.Estimation;

namespace MInference.Tests.Sparse.Estimation;

public sealed class VerticalSlashSelectionTests
{
    [Test]
    public void ListsAreReadBackPerBatchAndHead()
    {
        // Batch 2, heads [5, 2], 2 verticals and 3 offsets each, N = 100.
        int[] verticals = [1, 9, 2, 8, 3, 7, 4, 6];
        int[] offsets = [90, 10, 0, 80, 20, 0, 70, 30, 0, 60, 40, 0];
        var selection = new VerticalSlashSelection(100, 2, [5, 2], 2, verticals, 3, offsets);
        Assert.Multiple(() =>
        {
            Assert.That(selection.GetVerticals(1, 0).ToArray(), Is.EqualTo(new[] { 3, 7 }));
            Assert.That(selection.GetSlashOffsets(0, 1).ToArray(), Is.EqualTo(new[] { 80, 20, 0 }));
            Assert.That(selection.Verticals.ToArray(), Is.EqualTo(verticals));
            Assert.That(selection.Heads.ToArray(), Is.EqualTo(new[] { 5, 2 }));
            Assert.That(() => selection.GetVerticals(2, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => selection.GetSlashOffsets(0, 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void ListsThatBreakTheRulesAreRejectedWithTheirBatchAndHead()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new VerticalSlashSelection(100, 1, [4], 2, [7, 7], 1, [0]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("verticals").And.Message.StartsWith(
                    "verticals of batch 0, head 4 (slot 0): item 1 = 7 after 7; expected key columns in [0, 100), strictly ascending"));
            Assert.That(() => new VerticalSlashSelection(100, 1, [4], 1, [100], 1, [0]),
                Throws.ArgumentException.With.Message.StartsWith("verticals of batch 0, head 4 (slot 0): item 0 = 100; expected key columns in [0, 100)"));
            Assert.That(() => new VerticalSlashSelection(100, 1, [4], 0, [], 2, [0, 5]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("slashOffsets").And.Message.Contains("item 1 = 5 after 0"));
            Assert.That(() => new VerticalSlashSelection(100, 2, [4], 0, [], 2, [9, 0, 9, 3]),
                Throws.ArgumentException.With.Message.StartsWith(
                    "slashOffsets of batch 1, head 4 (slot 0) end with 3, so offset 0 is missing; expected the main diagonal (offset 0) in every list"));
            Assert.That(() => new VerticalSlashSelection(100, 1, [4], 2, [1], 1, [0]),
                Throws.ArgumentException.With.Message.StartsWith("verticals holds 1 values; expected batchSize * heads * verticalCount = 2"));
            Assert.That(() => new VerticalSlashSelection(100, 1, [4], 0, [], 0, []), Throws.InstanceOf<ArgumentOutOfRangeException>(), "offset 0 needs a slot");
            Assert.That(() => new VerticalSlashSelection(0, 1, [4], 0, [], 1, [0]), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new VerticalSlashSelection(10, 1, [], 0, [], 1, [0]), Throws.ArgumentException.With.Property("ParamName").EqualTo("heads"));
        });
    }
}
