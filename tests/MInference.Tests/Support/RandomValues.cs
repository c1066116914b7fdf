using MInference.Synthetic;

namespace MInference.Tests.Support;

/// <summary>Seeded random test data.</summary>
internal static class RandomValues
{
    /// <summary>N(0, 1) values.</summary>
    public static float[] Normal(int count, int seed)
    {
        var values = new float[count];
        StandardNormal.Fill(new Random(seed), values);
        return values;
    }

    /// <summary>
    /// N(0, 1) values rounded to <paramref name="dtype"/>: the bits to upload, and the same values as
    /// floats for the CPU reference (which must see exactly what the kernel sees).
    /// </summary>
    public static (ushort[] Bits, float[] Values) NormalRoundedTo(DType dtype, long count, Random random)
    {
        var values = new float[count];
        var bits = new ushort[count];
        StandardNormal.Fill(random, values);
        HalfPrecision.Encode(values, bits, dtype);
        HalfPrecision.Decode(bits, values, dtype);
        return (bits, values);
    }

    /// <summary>A seed that is stable across runs and processes for the same text (FNV-1a).</summary>
    public static int StableSeed(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & int.MaxValue);
    }
}
