using MInference.Cli.Plots;
using MInference.Cli.Plots.Rendering;

namespace MInference.Tests.Plots;

public sealed class EmbeddedFontFilesTests
{
    // Loads each resource afresh (not through PlotFont's cached fonts), so a lost EmbeddedResource or a
    // LogicalName that no longer matches the code fails here, by name.
    [TestCase(EmbeddedFontFiles.RegularResourceName, 400)]
    [TestCase(EmbeddedFontFiles.BoldResourceName, 700)]
    public void EachFontResourceLoadsAsDejaVuSans(string resourceName, int weight)
    {
        Assert.That(typeof(EmbeddedFontFiles).Assembly.GetManifestResourceNames(), Does.Contain(resourceName));
        var font = new TrueTypeFont(EmbeddedFontFiles.ReadTrueType(resourceName));
        Assert.Multiple(() =>
        {
            Assert.That(font.FamilyName, Is.EqualTo(PlotFont.FamilyName));
            Assert.That(font.WeightClass, Is.EqualTo(weight));
            for (char c = ' '; c < '\x7F'; c++)
            {
                Assert.That(font.HasGlyph(c), Is.True, $"the subset, not an empty font: '{c}'");
            }
        });
    }

    [Test]
    public void AMissingResourceIsReportedByName() =>
        Assert.That(() => EmbeddedFontFiles.ReadTrueType("no.such.font"), Throws.InvalidOperationException.With.Message.Contains("no.such.font"));
}
