namespace MInference.Synthetic;

/// <summary>Standard normal N(0, 1) samples for generated attention inputs (Box–Muller over <see cref="Random"/>).</summary>
public static class StandardNormal
{
    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) samples drawn from <paramref name="random"/>.</summary>
    public static void Fill(Random random, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < destination.Length; i += 2)
        {
            // 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            double angle = 2.0 * Math.PI * random.NextDouble();
            destination[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }
}
