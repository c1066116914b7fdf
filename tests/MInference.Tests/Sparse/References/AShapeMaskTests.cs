using MInference.Sparse.Patterns;
using MInference.Sparse.References;

namespace MInference.Tests.Sparse.References;

public sealed class AShapeMaskTests
{
    [Test]
    public void MatchesAHandDrawnMask()
    {
        // n_init 2, n_local 3: query i sees keys 0 and 1, and keys i − 2 .. i.
        var pattern = new AShapePattern(2, 3);
        string[] mask = Enumerable.Range(0, 8)
            .Select(i => new string(Enumerable.Range(0, 8).Select(j => AShapeMask.IsVisible(i, j, pattern) ? 'X' : '.').ToArray()))
            .ToArray();
        Assert.That(mask, Is.EqualTo(new[]
        {
            "X.......",
            "XX......",
            "XXX.....",
            "XXXX....",
            "XXXXX...",
            "XX.XXX..",
            "XX..XXX.",
            "XX...XXX",
        }));
    }

    [TestCase(0, 1, Description = "no sinks, only the query itself")]
    [TestCase(0, 5, Description = "a pure sliding window")]
    [TestCase(3, 4)]
    [TestCase(40, 2, Description = "more sinks than rows")]
    [TestCase(2, 1000, Description = "a window wider than the sequence: dense causal")]
    public void VisibleKeysListTheMaskAscending(int sinkTokens, int localWindow)
    {
        var pattern = new AShapePattern(sinkTokens, localWindow);
        Assert.Multiple(() =>
        {
            for (int query = 0; query < 30; query++)
            {
                var keys = new List<int>();
                AShapeMask.AddVisibleKeys(query, pattern, keys);
                Assert.That(keys, Is.EqualTo(Enumerable.Range(0, 30).Where(key => AShapeMask.IsVisible(query, key, pattern))), $"query {query}");
                Assert.That(keys, Does.Contain(query), "every query sees itself");
            }
        });
    }
}
