using System.Runtime.InteropServices;
using MInference.Interop;

namespace MInference.Tests.Interop;

public sealed class NativeLibraryLoaderTests
{
    private string _directory = string.Empty;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("minference-loader-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void TheOverrideComesFirstThenTheApplicationDirectoryThenTheDefaultSearch()
    {
        LibraryCandidate[] candidates = NativeLibraryLoader.StandardCandidates("/opt/custom/libminference.so", "/app");
        Assert.Multiple(() =>
        {
            Assert.That(candidates.Select(c => c.PathOrName), Is.EqualTo(new[] { "/opt/custom/libminference.so", Path.Combine("/app", NativeLibraryLoader.FileName), NativeLibraryLoader.FileName }));
            Assert.That(candidates.Select(c => c.IsFile), Is.EqualTo(new[] { true, true, false }));
            Assert.That(candidates[0].Description, Does.Contain(NativeLibraryLoader.OverrideVariable));
        });
    }

    [Test]
    public void WithoutOverrideTheApplicationDirectoryComesFirst() =>
        Assert.That(
            NativeLibraryLoader.StandardCandidates(overridePath: null, "/app").Select(c => c.PathOrName),
            Is.EqualTo(new[] { Path.Combine("/app", NativeLibraryLoader.FileName), NativeLibraryLoader.FileName }));

    [Test]
    public void TheHostsNativeSearchDirectoriesComeAfterTheApplicationDirectoryEachOnce()
    {
        // As the host lists them for an application with a package's runtimes/<rid>/native/ asset.
        string hostDirectories = string.Join(Path.PathSeparator, "/app/", "/app/runtimes/linux-x64/native/", string.Empty, "/app/runtimes/linux-x64/native");

        LibraryCandidate[] candidates = NativeLibraryLoader.StandardCandidates(overridePath: null, "/app", hostDirectories);

        Assert.Multiple(() =>
        {
            Assert.That(candidates.Select(c => c.PathOrName), Is.EqualTo(new[]
            {
                Path.Combine("/app", NativeLibraryLoader.FileName),
                Path.Combine("/app/runtimes/linux-x64/native/", NativeLibraryLoader.FileName),
                NativeLibraryLoader.FileName,
            }));
            Assert.That(candidates.Select(c => c.IsFile), Is.EqualTo(new[] { true, true, false }));
        });
    }

    [Test]
    public void ALibraryInAPackagesRuntimesFolderIsFound()
    {
        string built = Path.Combine(AppContext.BaseDirectory, NativeLibraryLoader.FileName);
        if (!File.Exists(built))
        {
            Assert.Ignore($"{built} absent: the native library was not built before the tests");
        }

        string packageAssets = Directory.CreateDirectory(Path.Combine(_directory, "runtimes", "linux-x64", "native")).FullName;
        File.Copy(built, Path.Combine(packageAssets, NativeLibraryLoader.FileName));

        NativeLibraryLoadResult result = NativeLibraryLoader.Load(
            NativeLibraryLoader.StandardCandidates(overridePath: null, _directory, packageAssets).Where(c => c.IsFile));

        if (result.IsLoaded)
        {
            NativeLibrary.Free(result.Handle);
        }

        Assert.That(result.Path, Is.EqualTo(Path.Combine(packageAssets, NativeLibraryLoader.FileName)), result.FailureReason);
    }

    [Test]
    public void AMissingLibraryIsReportedWithEveryAttempt()
    {
        string first = Path.Combine(_directory, "a", NativeLibraryLoader.FileName);
        string second = Path.Combine(_directory, "b", NativeLibraryLoader.FileName);

        NativeLibraryLoadResult result = NativeLibraryLoader.Load([new("first", first, IsFile: true), new("second", second, IsFile: true)]);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsLoaded, Is.False);
            Assert.That(result.FailureReason, Does.StartWith($"native library {NativeLibraryLoader.FileName} not found (tried: "));
            Assert.That(result.FailureReason, Does.Contain("first: no such file; second: no such file"));
            Assert.That(result.FailureReason, Does.Contain(NativeLibraryLoader.OverrideVariable), "says how to point at the library");
        });
    }

    [Test]
    public void AFileThatIsNotALibraryIsReportedWithTheLoadersError()
    {
        string bogus = Path.Combine(_directory, NativeLibraryLoader.FileName);
        File.WriteAllText(bogus, "not a shared library");

        NativeLibraryLoadResult result = NativeLibraryLoader.Load([new(bogus, bogus, IsFile: true)]);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsLoaded, Is.False);
            Assert.That(result.FailureReason, Does.Contain(bogus).And.Not.Contain("no such file"));
        });
    }

    [Test]
    public void ALibraryWithoutTheAbiExportIsRefused()
    {
        Assume.That(OperatingSystem.IsLinux(), "uses glibc's libm as a library that is not libminference");

        NativeLibraryLoadResult result = NativeLibraryLoader.Load([new("libm", "libm.so.6", IsFile: false)]);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsLoaded, Is.False);
            Assert.That(result.FailureReason, Is.EqualTo("libm.so.6 is not libminference: it exports no mi_abi_version"));
        });
    }

    [Test]
    public void TheLibraryBuiltIntoTheOutputLoadsWithTheExpectedAbi()
    {
        string besideTests = Path.Combine(AppContext.BaseDirectory, NativeLibraryLoader.FileName);
        if (!File.Exists(besideTests))
        {
            Assert.Ignore($"{besideTests} absent: the native library was not built before the tests");
        }

        NativeLibraryLoadResult result = NativeLibraryLoader.Load([new(besideTests, besideTests, IsFile: true)]);

        Assert.Multiple(() =>
        {
            Assert.That(result.FailureReason, Is.Null);
            Assert.That(result.Path, Is.EqualTo(besideTests));
        });
    }
}
