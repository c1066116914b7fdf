using MInference.Sparse.Config;
using MInference.Sparse.Patterns;

namespace MInference.Tests.Sparse.Patterns;

public sealed class HeadPatternTests
{
    [Test]
    public void PatternsAreValuesWithTheirJsonNames()
    {
        HeadPattern verticalSlash = new VerticalSlashPattern(1000, 6096);
        HeadPattern aShape = new AShapePattern(100, 800);
        HeadPattern dense = new DensePattern();
        Assert.Multiple(() =>
        {
            Assert.That(verticalSlash, Is.EqualTo(new VerticalSlashPattern(1000, 6096)));
            Assert.That(verticalSlash.GetHashCode(), Is.EqualTo(new VerticalSlashPattern(1000, 6096).GetHashCode()));
            Assert.That(new VerticalSlashPattern(1000, 6096), Is.Not.EqualTo(new VerticalSlashPattern(1000, 100)));
            Assert.That(aShape, Is.EqualTo(new AShapePattern(100, 800)));
            Assert.That((HeadPattern)new AShapePattern(100, 800), Is.Not.EqualTo(new VerticalSlashPattern(100, 800)), "same sizes, different pattern");
            Assert.That(dense, Is.EqualTo(new DensePattern()));
            Assert.That(new VerticalSlashPattern(1, 2).JsonName, Is.EqualTo("vertical_and_slash"));
            Assert.That(new AShapePattern(1, 2).JsonName, Is.EqualTo("stream_llm"));
            Assert.That(new BlockSparsePattern(8).JsonName, Is.EqualTo("block_sparse"));
            Assert.That(new DensePattern().JsonName, Is.EqualTo("dense"));
            Assert.That(HeadPattern.JsonNames, Is.EqualTo(new[] { "vertical_and_slash", "stream_llm", "block_sparse", "grid", "q_boundary", "k_boundary", "2d_boundary", "dense" }));
            Assert.That(new VerticalSlashPattern(1000, 6096).ToString(), Is.EqualTo("vertical_and_slash(1000, 6096)"));
            Assert.That(new AShapePattern(100, 800).ToString(), Is.EqualTo("stream_llm(100, 800)"));
            Assert.That(new BlockSparsePattern(8).ToString(), Is.EqualTo("block_sparse(8)"));
            Assert.That(new HeadPatternEntry(new DensePattern(), 0.5).ToString(), Is.EqualTo("dense score 0.5"));
        });
    }

    [Test]
    public void SizesOutsideTheirRangesAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new VerticalSlashPattern(0, 100), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("VerticalSize"));
            Assert.That(() => new VerticalSlashPattern(100, HeadPattern.MaxSize + 1),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("SlashSize")
                    .And.Message.Contains("expected an integer in [1, 1073741824]"));
            Assert.That(() => new AShapePattern(-1, 100), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("SinkTokens"));
            Assert.That(() => new AShapePattern(0, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("LocalWindow"));
            Assert.That(() => new BlockSparsePattern(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("TopKBlocks"));
            Assert.That(() => new HeadPatternEntry(new DensePattern(), double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Score"));
            Assert.That(() => new HeadPatternEntry(null!, 1), Throws.ArgumentNullException);
            Assert.That(new AShapePattern(0, 1).SinkTokens, Is.Zero, "no sinks is a pure sliding window");
        });
    }
}
