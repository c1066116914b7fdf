using MInference.Cli.Plots.Rendering;

namespace MInference.Cli.Plots;

/// <summary>A color scale: colors at equal steps from 0 to 1, linearly interpolated between.</summary>
internal sealed class Colormap
{
    private readonly Rgba[] stops;

    public Colormap(params string[] hexStops)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hexStops.Length, 2);
        stops = [.. hexStops.Select(Rgba.FromHex)];
    }

    /// <summary>Viridis (perceptually uniform, dark purple to yellow): its colors at 0, 1/9, …, 1.</summary>
    public static Colormap Viridis { get; } = new(
        "#440154", "#482878", "#3E4A89", "#31688E", "#26828E", "#1F9E89", "#35B779", "#6DCD59", "#B4DE2C", "#FDE725");

    /// <summary>The kept-mask scale: light gray (0) through light blue to dark blue (1).</summary>
    public static Colormap KeptBlues { get; } = new("#E6E6E6", "#6BAED6", "#08306B");

    /// <summary>The color at <paramref name="t"/> (clamped to [0, 1]).</summary>
    public Rgba At(double t)
    {
        double position = Math.Clamp(t, 0, 1) * (stops.Length - 1);
        int index = Math.Min((int)Math.Floor(position), stops.Length - 2);
        return Rgba.Lerp(stops[index], stops[index + 1], position - index);
    }
}
