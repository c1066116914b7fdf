using System.Globalization;

namespace MInference.Cli.Plots;

/// <summary>Axis ticks in tokens: where to put them and how to label them (512, 4K, 1.5K, 1M).</summary>
internal static class TokenTicks
{
    /// <summary>A short label for a token count: below 1024 as is, multiples of 512 in K, of 2^20 in M, else with thousands separators.</summary>
    public static string Format(long tokens)
    {
        const long Kibi = 1024, Mebi = 1024 * 1024;
        if (Math.Abs(tokens) < Kibi)
        {
            return tokens.ToString(CultureInfo.InvariantCulture);
        }
        if (tokens % Mebi == 0)
        {
            return (tokens / Mebi).ToString(CultureInfo.InvariantCulture) + "M";
        }
        if (tokens % (Kibi / 2) == 0)
        {
            return (tokens / (double)Kibi).ToString("0.#", CultureInfo.InvariantCulture) + "K";
        }
        return tokens.ToString("N0", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Tick positions from 0 to <paramref name="sequenceLength"/>: every multiple of the largest power of two that
    /// gives at least four intervals (so 0, 32K, 64K, 96K, 128K for 128K tokens).
    /// </summary>
    public static long[] Positions(long sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        long step = 1;
        while (step * 2 <= sequenceLength / 4)
        {
            step *= 2;
        }
        var positions = new List<long>();
        for (long position = 0; position <= sequenceLength; position += step)
        {
            positions.Add(position);
        }
        return [.. positions];
    }
}
