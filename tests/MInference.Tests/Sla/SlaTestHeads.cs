using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>Random heads, projections and masks for the SLA reference tests (seeded, reproducible).</summary>
internal static class SlaTestHeads
{
    public static double[] Normal(Random random, int count, double sigma = 1.0)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            // Box–Muller: a symmetric spread, so φ = relu and elu + 1 see both signs.
            values[i] = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }

        return values;
    }

    public static SlaHead Head(int seed, int n, int d)
    {
        var random = new Random(seed);
        return new SlaHead(Normal(random, n * d), Normal(random, n * d), Normal(random, n * d), n, d);
    }

    /// <summary>Random non-zero weights: a zero Proj would hide the linear branch.</summary>
    public static SlaProjection Projection(int seed, int d)
    {
        var random = new Random(seed);
        return new SlaProjection(Normal(random, d * d, 0.5), Normal(random, d, 0.5), d);
    }

    /// <summary>As <see cref="Projection"/>, rounded to fp32, so that the CPU reference uses exactly the values a device projection holds.</summary>
    public static SlaProjection FloatProjection(int seed, int d)
    {
        SlaProjection random = Projection(seed, d);
        return new SlaProjection(random.Weight.ToArray().Select(w => (double)(float)w).ToArray(), random.Bias.ToArray().Select(b => (double)(float)b).ToArray(), d);
    }

    /// <summary>Every row critical at (row, row) and (row, 0), negligible at (row, blocks − 1) when that is free, the rest marginal.</summary>
    public static SlaBlockMask Mixed(int blocks)
    {
        var classes = new SlaBlockClass[blocks * blocks];
        for (int row = 0; row < blocks; row++)
        {
            classes[(row * blocks) + row] = SlaBlockClass.Critical;
            classes[row * blocks] = SlaBlockClass.Critical;
            if (blocks - 1 != row && blocks - 1 != 0)
            {
                classes[(row * blocks) + blocks - 1] = SlaBlockClass.Negligible;
            }
        }

        return new SlaBlockMask(blocks, blocks, classes);
    }

    /// <summary>A causal mask: every row critical at (row, row) and (row, 0), negligible past the diagonal and at (row, row − 2) when that is left of it and not block 0, the rest marginal.</summary>
    public static SlaBlockMask MixedCausal(int blocks)
    {
        var classes = new SlaBlockClass[blocks * blocks];
        for (int row = 0; row < blocks; row++)
        {
            for (int column = row + 1; column < blocks; column++)
            {
                classes[(row * blocks) + column] = SlaBlockClass.Negligible;
            }

            classes[(row * blocks) + row] = SlaBlockClass.Critical;
            classes[row * blocks] = SlaBlockClass.Critical;
            if (row - 2 > 0)
            {
                classes[(row * blocks) + row - 2] = SlaBlockClass.Negligible;
            }
        }

        return new SlaBlockMask(blocks, blocks, classes);
    }
}
