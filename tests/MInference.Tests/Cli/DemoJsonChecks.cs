using System.Text.Json;

namespace MInference.Tests.Cli;

/// <summary>The consistency rules every demo or run JSON result must satisfy.</summary>
internal static class DemoJsonChecks
{
    private static readonly string[] s_headFields =
        ["layer", "head", "kind", "pattern", "ran", "density", "recall", "relative_l2", "max_abs", "dense_milliseconds", "sparse_milliseconds", "structured"];

    private static readonly string[] s_lengthFields =
        ["seq", "dense_ms", "sparse_ms", "speedup", "density", "structured_rel_l2_mean", "structured_rel_l2_max", "structured_recall_min", "layers", "heads"];

    /// <summary>Checks one length's document; returns its heads.</summary>
    public static JsonElement[] CheckLength(JsonElement length, int layers, int heads, bool exactDenseHeads = true)
    {
        foreach (string field in s_lengthFields)
        {
            Assert.That(length.TryGetProperty(field, out _), Is.True, $"length field {field}");
        }

        JsonElement[] headElements = [.. length.GetProperty("heads").EnumerateArray()];
        JsonElement[] layerElements = [.. length.GetProperty("layers").EnumerateArray()];
        Assert.That(headElements, Has.Length.EqualTo(layers * heads));
        Assert.That(layerElements, Has.Length.EqualTo(layers));
        double dense = length.GetProperty("dense_ms").GetDouble();
        double sparse = length.GetProperty("sparse_ms").GetDouble();
        Assert.Multiple(() =>
        {
            Assert.That(dense, Is.Positive);
            Assert.That(sparse, Is.Positive);
            Assert.That(length.GetProperty("speedup").GetDouble(), Is.EqualTo(dense / sparse).Within(1e-9).Percent);
            Assert.That(layerElements.Sum(layer => layer.GetProperty("dense_ms").GetDouble()), Is.EqualTo(dense).Within(1e-6).Percent);
            Assert.That(layerElements.Sum(layer => layer.GetProperty("sparse_ms").GetDouble()), Is.EqualTo(sparse).Within(1e-6).Percent);
            Assert.That(headElements.Sum(head => head.GetProperty("sparse_milliseconds").GetDouble()), Is.EqualTo(sparse).Within(1e-6).Percent);
            Assert.That(length.GetProperty("density").GetDouble(), Is.EqualTo(headElements.Average(head => head.GetProperty("density").GetDouble())).Within(1e-9));
            foreach (JsonElement head in headElements)
            {
                foreach (string field in s_headFields)
                {
                    Assert.That(head.TryGetProperty(field, out _), Is.True, $"head field {field}");
                }

                double density = head.GetProperty("density").GetDouble();
                double recall = head.GetProperty("recall").GetDouble();
                double error = head.GetProperty("relative_l2").GetDouble();
                Assert.That(density, Is.InRange(0.0, 1.0));
                Assert.That(recall, Is.InRange(0.0, 1.0 + 1e-5), "a sparse row can only lose attention mass");
                Assert.That(error, Is.GreaterThanOrEqualTo(0));
                if (head.GetProperty("ran").GetString()!.StartsWith("dense", StringComparison.Ordinal))
                {
                    Assert.That(density, Is.EqualTo(1));
                    if (exactDenseHeads)
                    {
                        // CPU: dense heads of a sparse run take the dense run's code path, so they are identical.
                        Assert.That(error, Is.Zero);
                        Assert.That(head.GetProperty("max_abs").GetDouble(), Is.Zero);
                        Assert.That(recall, Is.EqualTo(1).Within(1e-6));
                    }
                    else
                    {
                        // GPU: a subset of heads runs dense through the 64×64-tile kernel, a different
                        // summation order than the dense kernel's: equal to a few bf16 ulps of the output.
                        Assert.That(error, Is.LessThan(1e-2));
                        Assert.That(recall, Is.EqualTo(1).Within(1e-4));
                    }
                }
            }
        });
        return headElements;
    }
}
