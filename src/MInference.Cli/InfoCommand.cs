using System.CommandLine;
using Spectre.Console;

namespace MInference.Cli;

/// <summary>`minference info`: the native library's build and the devices it sees, or why there are none.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the native library's version, ABI, compiled GPU targets and CUDA version, the CUDA devices, and the .NET runtime.").WithExamples("minference info");
        command.SetAction(_ => Consoles.Run(Show));
        return command;
    }

    private static ExitCode Show()
    {
        GpuBackendInfo backend = GpuBackend.Probe();
        IAnsiConsole console = Consoles.OutForTables(140);
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("minference", Markup.Escape(typeof(InfoCommand).Assembly.GetName().Version?.ToString() ?? "unknown"));
        grid.AddRow(".NET", Markup.Escape($"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription} on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}"));
        if (backend.Library is { } library)
        {
            grid.AddRow("Library", Markup.Escape($"libminference {library.Version} (ABI {library.AbiVersion})"));
            grid.AddRow("Loaded from", Markup.Escape(library.Path));
            grid.AddRow("Compiled for", Markup.Escape(string.Join(", ", library.CompiledArchitectures)));
            grid.AddRow("CUDA (compile)", library.CudaCompileVersion.ToString());
        }

        console.Write(grid);

        if (backend.Devices.Count > 0)
        {
            console.Write(DeviceTable(backend.Devices));
        }

        if (backend.UnavailableReason is { } reason)
        {
            console.MarkupLineInterpolated($"[yellow]GPU backend unavailable:[/] {reason}");
        }

        return ExitCode.Success;
    }

    private static Table DeviceTable(IReadOnlyList<GpuDevice> devices)
    {
        var table = new Table()
            .AddColumn("#")
            .AddColumn("Device")
            .AddColumn("Compute")
            .AddColumn(new TableColumn("SMs").RightAligned())
            .AddColumn(new TableColumn("Memory (GiB)").RightAligned())
            .AddColumn(new TableColumn("Shared/block (KiB)").RightAligned())
            .AddColumn("Driver / runtime")
            .AddColumn("Mainloop")
            .AddColumn("Usable");
        foreach (GpuDevice device in devices)
        {
            table.AddRow(
                device.Ordinal.ToString(),
                Markup.Escape(device.Name),
                device.Architecture,
                device.MultiprocessorCount.ToString(),
                $"{device.TotalMemoryBytes / (double)(1L << 30):F1}",
                (device.SharedMemoryPerBlockOptInBytes / 1024).ToString(),
                $"{device.DriverVersion} / {device.RuntimeVersion}",
                device.IsSupported ? device.AttentionMainloop : "-",
                device.IsSupported ? "[green]yes[/]" : "[red]no (needs sm_80+)[/]");
        }

        return table;
    }
}
