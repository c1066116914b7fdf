using System.Globalization;

namespace MInference.Cli.Plots;

/// <summary>
/// A log10 color scale for values ≥ 0 that spans <see cref="Decades"/> powers of ten below the largest value, so
/// faint structure stays visible next to the brightest cells.
/// </summary>
internal static class LogColorScale
{
    /// <summary>Powers of ten the scale spans: values below 10^-Decades × the largest get the lowest color.</summary>
    public const int Decades = 6;

    /// <summary>
    /// log10 of each cell, floored at 10^-<see cref="Decades"/> × the largest cell (zeros get the floor; NaN stays NaN),
    /// and the scale's range in log10 units (top = log10 of the largest cell, or 0 when no cell is above 0).
    /// </summary>
    public static (double[,] Values, double Bottom, double Top) Apply(double[,] values)
    {
        double max = 0;
        foreach (double value in values)
        {
            if (value > max)
            {
                max = value;
            }
        }
        double top = max > 0 ? Math.Log10(max) : 0;
        double bottom = top - Decades;
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var result = new double[rows, columns];
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                double value = values[row, column];
                result[row, column] = double.IsNaN(value) ? double.NaN : value > 0 ? Math.Max(Math.Log10(value), bottom) : bottom;
            }
        }
        return (result, bottom, top);
    }

    /// <summary>Ticks at the whole powers of ten from <paramref name="bottom"/> to <paramref name="top"/> (log10 units), labelled 10⁻³ etc.</summary>
    public static IReadOnlyList<(double Value, string Label)> Ticks(double bottom, double top)
    {
        var ticks = new List<(double, string)>();
        for (int exponent = (int)Math.Ceiling(bottom - 1e-9); exponent <= Math.Floor(top + 1e-9); exponent++)
        {
            ticks.Add((exponent, PowerOfTen(exponent)));
        }
        return ticks;
    }

    /// <summary>"10" with the exponent in superscript digits: 10⁻³, 10⁰, 10².</summary>
    public static string PowerOfTen(int exponent)
    {
        const string Digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        string text = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        return "10" + (exponent < 0 ? "⁻" : "") + string.Concat(text.Select(digit => Digits[digit - '0']));
    }
}
