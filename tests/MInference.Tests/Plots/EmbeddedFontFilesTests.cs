using MInference.Cli.Plots;
using SkiaSharp;

namespace MInference.Tests.Plots;

public sealed class EmbeddedFontFilesTests
{
    // Loads each resource afresh (not through PlotFont's cached typefaces), so a lost EmbeddedResource or a
    // LogicalName that no longer matches the code fails here, by name.
    [TestCase(EmbeddedFontFiles.RegularResourceName, SKFontStyleWeight.Normal)]
    [TestCase(EmbeddedFontFiles.BoldResourceName, SKFontStyleWeight.Bold)]
    public void EachFontResourceLoadsAsDejaVuSans(string resourceName, SKFontStyleWeight weight)
    {
        Assert.That(typeof(EmbeddedFontFiles).Assembly.GetManifestResourceNames(), Does.Contain(resourceName));
        byte[] trueType = EmbeddedFontFiles.ReadTrueType(resourceName);
        using SKData data = SKData.CreateCopy(trueType);
        using SKTypeface? typeface = SKTypeface.FromData(data);
        Assert.That(typeface, Is.Not.Null, "SkiaSharp reads the gunzipped bytes as a font");
        using var font = new SKFont(typeface);
        string printableAscii = new(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(typeface!.FamilyName, Is.EqualTo(PlotFont.FamilyName));
            Assert.That(typeface.FontStyle.Weight, Is.EqualTo((int)weight));
            Assert.That(font.ContainsGlyphs(printableAscii), Is.True, "the subset, not an empty font");
        });
    }

    [Test]
    public void AMissingResourceIsReportedByName() =>
        Assert.That(() => EmbeddedFontFiles.ReadTrueType("no.such.font"), Throws.InvalidOperationException.With.Message.Contains("no.such.font"));
}
