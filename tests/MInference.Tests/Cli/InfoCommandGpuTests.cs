using MInference.Tests.Gpu;

namespace MInference.Tests.Cli;

/// <summary>`info` on a machine with a GPU: every usable device's row names the attention mainloop it takes.</summary>
[NonParallelizable]
public sealed class InfoCommandGpuTests : GpuFixture
{
    [Test]
    public void EachUsableDeviceNamesItsMainloop()
    {
        (int exitCode, string output) = CliRun.Invoke("info");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("Mainloop"), "the column header (redirected output is 140 columns wide)");
            foreach (GpuDevice device in GpuBackend.Probe().Devices.Where(device => device.IsSupported))
            {
                // "sm90a" and "sm80" cannot match the compiled targets' "sm_90a" and "sm_80".
                Assert.That(output, Does.Contain(device.AttentionMainloop), $"device {device.Ordinal}");
            }
        });
    }
}
