namespace MInference.Tests.Fuzz;

/// <summary>
/// One fuzzed invalid input: what it is (seed and mutation, so it reproduces) and the call that
/// must reject it with one of <see cref="Expected"/> (or a subclass).
/// </summary>
internal sealed record InvalidCase(string Description, Action Act, params Type[] Expected)
{
    /// <summary>Null when the call threw an expected type; otherwise what happened instead.</summary>
    public string? Problem()
    {
        try
        {
            Act();
        }
        catch (Exception exception) when (Expected.Any(type => type.IsInstanceOfType(exception)))
        {
            return exception.Message.Contains("   at ", StringComparison.Ordinal) ? $"{Description}: the message holds a stack trace: {exception.Message}" : null;
        }
        catch (Exception exception)
        {
            return $"{Description}: {exception.GetType().FullName} (expected {string.Join(" or ", Expected.Select(type => type.Name))}): {exception.Message}";
        }

        return $"{Description}: accepted (expected {string.Join(" or ", Expected.Select(type => type.Name))})";
    }

    /// <summary>Runs every case; asserts that each was rejected as expected, listing every one that was not.</summary>
    public static void AssertAllRejected(IReadOnlyList<InvalidCase> cases, int minimumCount)
    {
        string[] problems = cases.Select(c => c.Problem()).OfType<string>().ToArray();
        TestContext.Out.WriteLine($"{cases.Count} invalid cases, {problems.Length} not rejected as expected");
        Assert.Multiple(() =>
        {
            Assert.That(cases, Has.Count.GreaterThanOrEqualTo(minimumCount));
            Assert.That(problems, Is.Empty);
        });
    }
}
