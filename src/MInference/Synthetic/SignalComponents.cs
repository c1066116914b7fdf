namespace MInference.Synthetic;

/// <summary>The building blocks the synthetic generators plant their structure with.</summary>
internal static class SignalComponents
{
    /// <summary>Adds N(0, level²) noise drawn from <paramref name="seed"/>.</summary>
    public static void AddNoise(Span<float> destination, int seed, double level)
    {
        StandardNormal.Fill(new Random(seed), destination);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(destination[i] * level);
        }
    }

    /// <summary>Adds <paramref name="amplitude"/> to every element.</summary>
    public static void AddConstant(Span<float> destination, double amplitude)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(destination[i] + amplitude);
        }
    }

    /// <summary>Adds amplitude · (cos θ_p position, sin θ_p position) to pair p: q_i · k_j then sums cos(θ_p (i − j)).</summary>
    public static void AddRotation(Span<float> destination, double[] frequencies, long position, double amplitude)
    {
        for (int pair = 0; pair < frequencies.Length; pair++)
        {
            double angle = frequencies[pair] * position;
            destination[2 * pair] = (float)(destination[2 * pair] + (amplitude * Math.Cos(angle)));
            destination[(2 * pair) + 1] = (float)(destination[(2 * pair) + 1] + (amplitude * Math.Sin(angle)));
        }
    }
}
