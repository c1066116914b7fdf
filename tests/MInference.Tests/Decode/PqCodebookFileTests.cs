using MInference.Decode;
using MInference.IO;
using MInference.Tests.IO;

namespace MInference.Tests.Decode;

public sealed class PqCodebookFileTests
{
    [TestCase(PqCodebookGranularity.PerLayerKvHead)]
    [TestCase(PqCodebookGranularity.Shared)]
    public void SaveAndLoadRoundTripBitForBit(PqCodebookGranularity granularity)
    {
        PqCodebooks original = Codebooks(granularity);
        using var directory = new TemporaryDirectory();
        string path = directory.File("codebooks.safetensors");

        original.Save(path);
        PqCodebooks loaded = PqCodebooks.Load(path);

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Granularity, Is.EqualTo(granularity));
            Assert.That((loaded.Layers, loaded.KvHeads, loaded.HeadDim, loaded.Subspaces), Is.EqualTo((2, 3, 96, 32)));
            for (int layer = 0; layer < 2; layer++)
            {
                for (int head = 0; head < 3; head++)
                {
                    Assert.That(loaded.Keys(layer, head).CentroidValues.ToArray(), Is.EqualTo(original.Keys(layer, head).CentroidValues.ToArray()));
                    Assert.That(loaded.Values(layer, head).CentroidValues.ToArray(), Is.EqualTo(original.Values(layer, head).CentroidValues.ToArray()));
                }
            }
        });
    }

    [TestCase("format", "other", "expected 'minference.pq_codebooks'")]
    [TestCase("version", "2", "expected '1'")]
    [TestCase("granularity", "per_layer", "expected 'per_layer_kv_head' or 'shared'")]
    [TestCase("subspaces", "16", "expected 32 or 64")]
    [TestCase("subspaces", "64", "does not divide head_dim 96")]
    [TestCase("centroids", "128", "expected 256")]
    [TestCase("layers", "-1", "expected a positive integer")]
    [TestCase("kv_heads", "4", "expected [2, 4, 32, 256, 3] from the metadata")]
    [TestCase("head_dim", null, "no metadata 'head_dim'")]
    public void BadMetadataIsRejected(string key, string? value, string expected)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("bad.safetensors");
        WriteCorrupted(path, key, value, tensor => tensor);

        Assert.That(() => PqCodebooks.Load(path), Throws.InstanceOf<PqCodebookFormatException>().With.Message.Contains(expected).And.Message.StartsWith(path));
    }

    [Test]
    public void BadTensorsAreRejected()
    {
        using var directory = new TemporaryDirectory();
        string missing = directory.File("missing.safetensors");
        string wrongType = directory.File("f16.safetensors");
        string notFinite = directory.File("nan.safetensors");
        string garbage = directory.File("garbage.safetensors");
        WriteCorrupted(missing, null, null, tensor => tensor.Name == "value_centroids" ? null : tensor);
        WriteCorrupted(wrongType, null, null, tensor => SafetensorsTensor.FromHalfBits(tensor.Name, SafetensorsDType.Float16, tensor.Shape.ToArray(), new ushort[tensor.ElementCount]));
        WriteCorrupted(notFinite, null, null, tensor =>
        {
            float[] values = new float[tensor.ElementCount];
            values[17] = float.PositiveInfinity;
            return SafetensorsTensor.FromSingle(tensor.Name, tensor.Shape.ToArray(), values);
        });
        File.WriteAllBytes(garbage, [1, 2, 3]);

        Assert.Multiple(() =>
        {
            Assert.That(() => PqCodebooks.Load(missing), Throws.InstanceOf<PqCodebookFormatException>().With.Message.Contains("no tensor 'value_centroids'"));
            Assert.That(() => PqCodebooks.Load(wrongType), Throws.InstanceOf<PqCodebookFormatException>().With.Message.Contains("is F16; expected F32"));
            Assert.That(() => PqCodebooks.Load(notFinite), Throws.InstanceOf<PqCodebookFormatException>().With.Message.Contains("element 17 is ∞; expected finite").Or.Message.Contains("element 17 is Infinity"));
            Assert.That(() => PqCodebooks.Load(garbage), Throws.InstanceOf<SafetensorsFormatException>());
        });
    }

    private static PqCodebooks Codebooks(PqCodebookGranularity granularity)
    {
        PqCodebooks random = TestCodebooks.Random(2, 3, 96, 32, seed: 21);
        if (granularity == PqCodebookGranularity.PerLayerKvHead)
        {
            return random;
        }

        return new PqCodebooks(granularity, 2, 3, [random.Keys(1, 2)], [random.Values(0, 1)]);
    }

    /// <summary>Saves valid per-layer codebooks, then rewrites the file with one metadata entry changed (null: removed) and each tensor mapped (null: dropped).</summary>
    private static void WriteCorrupted(string path, string? key, string? value, Func<SafetensorsTensor, SafetensorsTensor?> mapTensor)
    {
        Codebooks(PqCodebookGranularity.PerLayerKvHead).Save(path);
        var metadata = new Dictionary<string, string>();
        var tensors = new List<SafetensorsTensor>();
        using (SafetensorsFile file = SafetensorsFile.Open(path))
        {
            foreach (KeyValuePair<string, string> entry in file.Metadata)
            {
                metadata[entry.Key] = entry.Value;
            }

            foreach (SafetensorsTensorInfo info in file.Tensors)
            {
                SafetensorsTensor? mapped = mapTensor(SafetensorsTensor.FromSingle(info.Name, info.Shape.ToArray(), file.ReadAsSingle(info.Name)));
                if (mapped is not null)
                {
                    tensors.Add(mapped);
                }
            }
        }

        if (key is not null)
        {
            if (value is null)
            {
                metadata.Remove(key);
            }
            else
            {
                metadata[key] = value;
            }
        }

        SafetensorsWriter.Write(path, tensors, metadata);
    }
}
