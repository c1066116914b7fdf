namespace MInference.Cli.Sla;

/// <summary>A video latent's frames × height × width tokens (frame-major, then row-major).</summary>
internal sealed record LatentGeometry(int Frames, int Height, int Width)
{
    /// <summary>Tokens in the latent.</summary>
    public long Tokens => (long)Frames * Height * Width;

    /// <summary>
    /// The latent for <paramref name="tokens"/> tokens: the given sizes kept, the missing ones taken in
    /// the order frames, height, width, each the largest divisor of what is left that is at most its
    /// even share (the cube root for three missing sizes, the square root for two), the last the rest:
    /// 4096 → 16 × 16 × 16, 1024 → 8 × 8 × 16, 256 → 4 × 8 × 8.
    /// </summary>
    /// <exception cref="ArgumentException">The given sizes do not divide <paramref name="tokens"/>, or all three are given and their product differs from it.</exception>
    public static LatentGeometry Factor(int tokens, int? frames, int? height, int? width)
    {
        int?[] sizes = [frames, height, width];
        long given = sizes.Aggregate(1L, (product, size) => product * (size ?? 1));
        string givenText = string.Join(" × ", new[] { ("--frames", frames), ("--height", height), ("--width", width) }.Where(entry => entry.Item2 is not null).Select(entry => $"{entry.Item1} {entry.Item2}"));
        if (sizes.All(size => size is not null) && given != tokens)
        {
            throw new ArgumentException($"{givenText} = {given} tokens; expected --seq {tokens} (or leave --seq out)");
        }

        if (tokens % given != 0)
        {
            throw new ArgumentException($"{givenText} = {given} does not divide --seq {tokens}; the latent's frames × height × width must be --seq");
        }

        long rest = tokens / given;
        var result = new int[3];
        int missing = sizes.Count(size => size is null);
        for (int i = 0; i < 3; i++)
        {
            if (sizes[i] is int size)
            {
                result[i] = size;
                continue;
            }

            result[i] = missing == 1 ? (int)rest : LargestDivisorUpToRoot(rest, missing);
            rest /= result[i];
            missing--;
        }

        return new LatentGeometry(result[0], result[1], result[2]);
    }

    public override string ToString() => $"{Frames} × {Height} × {Width}";

    /// <summary>The largest divisor d of <paramref name="value"/> with d^<paramref name="root"/> ≤ value.</summary>
    private static int LargestDivisorUpToRoot(long value, int root)
    {
        int best = 1;
        for (long divisor = 1; Math.Pow(divisor, root) <= value; divisor++)
        {
            if (value % divisor == 0)
            {
                best = (int)divisor;
            }
        }

        return best;
    }
}
