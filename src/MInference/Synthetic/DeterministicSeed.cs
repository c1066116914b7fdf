namespace MInference.Synthetic;

/// <summary>Derives independent, process-stable seeds from a user seed and coordinates (SplitMix64; unlike <see cref="HashCode"/>, not randomised per process).</summary>
internal static class DeterministicSeed
{
    public static int Derive(int seed, int stream, int batch, int head)
    {
        ulong state = (ulong)(uint)seed;
        state = Mix(state ^ ((ulong)(uint)stream << 32));
        state = Mix(state ^ (uint)batch);
        state = Mix(state ^ ((ulong)(uint)head << 16));
        return (int)(state & int.MaxValue);
    }

    private static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
