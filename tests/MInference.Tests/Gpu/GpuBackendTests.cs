using MInference.Interop;

namespace MInference.Tests.Gpu;

/// <summary>The probe itself: runs everywhere, with or without a GPU or the native library.</summary>
public sealed class GpuBackendTests
{
    [Test]
    public void ProbeIsConsistentAndExplainsUnavailability()
    {
        GpuBackendInfo info = GpuBackend.Probe();
        Assert.Multiple(() =>
        {
            Assert.That(info.IsAvailable, Is.EqualTo(info.Library is not null && info.Devices.Any(device => device.IsSupported)));
            Assert.That(info.IsAvailable || !string.IsNullOrWhiteSpace(info.UnavailableReason), "an unavailable backend says why");
            Assert.That(GpuBackend.Probe(), Is.SameAs(info), "probed once");
        });
    }

    /// <summary>
    /// A suite run on Hopper must really run the sm_90a mainloop, the default there (a silent
    /// fallback would make that run test the sm_80 kernels twice), and MINFERENCE_MAINLOOP=sm80
    /// must force sm_80.
    /// </summary>
    [Test]
    public void EachDeviceTakesTheMainloopItsCapabilityAndTheEnvironmentChoose()
    {
        GpuBackendInfo info = GpuBackend.Probe();
        if (!info.IsAvailable)
        {
            Assert.Ignore($"no CUDA device: {info.UnavailableReason}");
        }

        string? requested = Environment.GetEnvironmentVariable("MINFERENCE_MAINLOOP");
        bool builtForSm90a = info.Library!.CompiledArchitectures.Contains("sm_90a");
        Assert.Multiple(() =>
        {
            foreach (GpuDevice device in info.Devices.Where(device => device.IsSupported))
            {
                bool hopper = builtForSm90a && device.ComputeCapabilityMajor == 9 && device.ComputeCapabilityMinor == 0;
                string expected = hopper && requested != "sm80" ? "sm90a" : "sm80";
                Assert.That(device.AttentionMainloop, Is.EqualTo(expected),
                    $"device {device.Ordinal} ({device.Architecture}), MINFERENCE_MAINLOOP={requested ?? "(unset)"}");
            }
        });
    }

    [Test]
    public void WithoutAGpuAContextCannotBeCreated()
    {
        Assume.That(GpuBackend.IsAvailable, Is.False, "only meaningful without a usable GPU");
        var exception = Assert.Throws<GpuUnavailableException>(() => _ = new GpuContext());
        Assert.Multiple(() =>
        {
            Assert.That(exception!.Reason, Is.EqualTo(GpuBackend.UnavailableReason));
            Assert.That(exception.Message, Does.StartWith("GPU backend unavailable: "));
        });
    }

    [Test]
    public void TheLoadedLibraryDescribesItsBuild()
    {
        if (!MiLibrary.LoadResult.IsLoaded)
        {
            Assert.Ignore($"native library unavailable: {MiLibrary.LoadResult.FailureReason}");
        }

        NativeLibraryInfo? library = GpuBackend.Probe().Library;
        Assert.That(library, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(library!.AbiVersion, Is.EqualTo(MiNative.AbiVersion));
            Assert.That(library.Version, Is.Not.Empty);
            Assert.That(library.CompiledArchitectures, Is.Not.Empty.And.All.Match(@"^(sm|compute)_[0-9]+[af]?$"));
            Assert.That(library.CudaCompileVersion.Major, Is.GreaterThanOrEqualTo(11));
        });
    }

    [TestCase(13000, 13, 0, "13.0")]
    [TestCase(12080, 12, 8, "12.8")]
    [TestCase(11040, 11, 4, "11.4")]
    public void CudaVersionsDecode(int encoded, int major, int minor, string text)
    {
        CudaVersion version = CudaVersion.FromEncoded(encoded);
        Assert.Multiple(() =>
        {
            Assert.That(version, Is.EqualTo(new CudaVersion(major, minor)));
            Assert.That(version.ToString(), Is.EqualTo(text));
        });
    }
}
