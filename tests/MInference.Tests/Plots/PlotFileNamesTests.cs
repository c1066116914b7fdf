using MInference.Cli.Plots;

namespace MInference.Tests.Plots;

public sealed class PlotFileNamesTests
{
    [Test]
    public void HeadFileNamesHaveTwoDigitLayerAndHead()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PlotFileNames.ForHead(2, 5), Is.EqualTo("layer02-head05.png"));
            Assert.That(PlotFileNames.ForHead(0, 0), Is.EqualTo("layer00-head00.png"));
            Assert.That(PlotFileNames.ForHead(31, 27), Is.EqualTo("layer31-head27.png"));
            Assert.That(PlotFileNames.ForHead(123, 4), Is.EqualTo("layer123-head04.png"), "more digits when needed");
            Assert.That(PlotFileNames.SpeedupFileName, Is.EqualTo("speedup-vs-length.png"));
            Assert.That(() => PlotFileNames.ForHead(-1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("layer"));
            Assert.That(() => PlotFileNames.ForHead(0, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("head"));
        });
    }

    [Test]
    public void PrepareDirectoryCreatesItWithItsParentsAndReturnsTheFullPath()
    {
        using var root = new PlotDirectory();
        string nested = Path.Combine(root.Path, "a", "b", "plots");
        string prepared = PlotFileNames.PrepareDirectory(nested);
        Assert.Multiple(() =>
        {
            Assert.That(prepared, Is.EqualTo(Path.GetFullPath(nested)));
            Assert.That(Directory.Exists(prepared), Is.True);
            Assert.That(PlotFileNames.PrepareDirectory(nested), Is.EqualTo(prepared), "an existing directory is fine");
        });
    }

    [Test]
    public void PrepareDirectoryReturnsAFullPathForARelativeOne()
    {
        using var root = new PlotDirectory();
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(root.Path, "plots"));
        string prepared = PlotFileNames.PrepareDirectory(relative);
        Assert.Multiple(() =>
        {
            Assert.That(Path.IsPathFullyQualified(prepared), Is.True);
            Assert.That(prepared, Is.EqualTo(Path.Combine(root.Path, "plots")));
        });
    }

    [Test]
    public void PrepareDirectoryRefusesAFileOrAnEmptyPath()
    {
        using var root = new PlotDirectory();
        string file = root.File("plots");
        File.WriteAllText(file, "");
        Assert.Multiple(() =>
        {
            Assert.That(() => PlotFileNames.PrepareDirectory(file),
                Throws.InstanceOf<IOException>().With.Message.Contains(file).And.Message.Contains("it is a file, not a directory"));
            Assert.That(() => PlotFileNames.PrepareDirectory(""), Throws.ArgumentException);
            Assert.That(() => PlotFileNames.PrepareDirectory(null!), Throws.ArgumentNullException);
        });
    }
}
