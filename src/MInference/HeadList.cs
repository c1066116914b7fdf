namespace MInference;

/// <summary>
/// The query heads one sparse-pattern launch computes: a layer runs one launch per distinct
/// pattern, each over the heads that use it.
/// </summary>
internal static class HeadList
{
    /// <summary>Largest head list one launch takes (MI_MAX_HEAD_LIST).</summary>
    public const int MaxCount = 1024;

    /// <summary>
    /// Checks that every entry is a query head in [0, <paramref name="queryHeads"/>) and appears
    /// once; an empty list stands for all heads, which must then be at most <see cref="MaxCount"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is out of range or repeated, or the list is too long.</exception>
    public static void Validate(ReadOnlySpan<int> heads, long queryHeads, string parameterName)
    {
        long count = heads.IsEmpty ? queryHeads : heads.Length;
        if (count > MaxCount)
        {
            throw new ArgumentException($"{parameterName} covers {count} heads; one launch takes at most {MaxCount} (split the heads over several calls)", parameterName);
        }

        var seen = new HashSet<int>();
        for (int i = 0; i < heads.Length; i++)
        {
            int head = heads[i];
            if (head < 0 || head >= queryHeads)
            {
                throw new ArgumentException($"{parameterName}[{i}] = {head} must be a query head in [0, {queryHeads})", parameterName);
            }

            if (!seen.Add(head))
            {
                throw new ArgumentException($"{parameterName}[{i}] = {head} appears more than once", parameterName);
            }
        }
    }
}
