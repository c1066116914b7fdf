namespace MInference.Sparse;

/// <summary>Validation of the query-head lists that sparse launches, indexes and references cover.</summary>
internal static class HeadLists
{
    /// <summary>Checks that <paramref name="heads"/> is non-empty, distinct and within [0, <paramref name="headCount"/>); returns a copy.</summary>
    /// <param name="heads">The list.</param>
    /// <param name="headCount">The number of query heads, or <see cref="int.MaxValue"/> where it is not known.</param>
    /// <param name="parameterName">The parameter the list came from, for messages.</param>
    /// <exception cref="ArgumentException">The list is empty or has a repeat.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head is out of range.</exception>
    public static int[] Validate(ReadOnlySpan<int> heads, int headCount, string parameterName)
    {
        if (heads.IsEmpty)
        {
            throw new ArgumentException("the head list is empty; expected at least one query head", parameterName);
        }

        var seen = new HashSet<int>();
        for (int i = 0; i < heads.Length; i++)
        {
            if (heads[i] < 0 || heads[i] >= headCount)
            {
                string range = headCount == int.MaxValue ? ">= 0" : $"in [0, {headCount})";
                throw new ArgumentOutOfRangeException(parameterName, heads[i], $"{parameterName}[{i}] = {heads[i]}; expected a query head {range}");
            }

            if (!seen.Add(heads[i]))
            {
                throw new ArgumentException($"{parameterName}[{i}] = {heads[i]} repeats an earlier head; expected distinct heads", parameterName);
            }
        }

        return heads.ToArray();
    }
}
