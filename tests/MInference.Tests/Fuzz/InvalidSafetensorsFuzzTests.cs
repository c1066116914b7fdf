using System.Globalization;
using System.Text;
using MInference.IO;
using MInference.Tests.IO;

namespace MInference.Tests.Fuzz;

/// <summary>
/// Invalid safetensors files: a valid random file (1-4 tensors of several dtypes and shapes, maybe
/// metadata) with one seeded mutation of its header or length (truncated or extended files, wrong
/// header lengths, bad dtypes, shapes and offsets, offsets out of range, overlapping or leaving
/// gaps, byte counts that do not match, missing, repeated or unknown fields, duplicate names,
/// bad metadata, invalid UTF-8, huge numbers). Opening each must fail with
/// <see cref="SafetensorsFormatException"/>.
/// </summary>
public sealed class InvalidSafetensorsFuzzTests
{
    public const int Cases = 200;
    private const int MasterSeed = 10_2026;

    [Test]
    public void EveryMutatedFileIsRejectedWithASafetensorsFormatException()
    {
        var master = new Random(MasterSeed);
        using var directory = new TemporaryDirectory();
        InvalidCase[] cases = Enumerable.Range(0, Cases).Select(_ => master.Next()).Select(seed =>
        {
            (string what, byte[] bytes) = Mutate(seed);
            string path = directory.File($"fuzz-{seed}.safetensors");
            return new InvalidCase($"safetensors seed {seed}: {what}", () =>
            {
                File.WriteAllBytes(path, bytes);
                using SafetensorsFile file = SafetensorsFile.Open(path);
            }, typeof(SafetensorsFormatException));
        }).ToArray();
        InvalidCase.AssertAllRejected(cases, Cases);
    }

    private sealed record Tensor(string Name, string DType, long[] Shape, int ElementSize)
    {
        public long Bytes => Shape.Aggregate(1L, (product, length) => product * length) * ElementSize;
    }

    /// <summary>One mutated file of a seed, and what was broken.</summary>
    internal static (string What, byte[] Bytes) Mutate(int seed)
    {
        var random = new Random(seed);
        (string DType, int Size)[] dtypes = [("F32", 4), ("F16", 2), ("BF16", 2), ("I32", 4), ("U8", 1), ("I64", 8)];
        Tensor[] tensors = Enumerable.Range(0, 1 + random.Next(4)).Select(i =>
        {
            (string dtype, int size) = dtypes[random.Next(dtypes.Length)];
            return new Tensor($"layers.{i}.t", dtype, Enumerable.Range(0, 1 + random.Next(3)).Select(_ => (long)(1 + random.Next(6))).ToArray(), size);
        }).ToArray();
        long[] begins = new long[tensors.Length];
        for (int i = 1; i < tensors.Length; i++)
        {
            begins[i] = begins[i - 1] + tensors[i - 1].Bytes;
        }

        long dataLength = begins[^1] + tensors[^1].Bytes;
        bool metadata = random.Next(2) == 0;
        int target = random.Next(tensors.Length);
        string Entry(Tensor t, long begin, string? dtype = null, string? shape = null, string? offsets = null, string? extra = null) =>
            $"\"{t.Name}\": {{\"dtype\": {dtype ?? $"\"{t.DType}\""}, \"shape\": {shape ?? $"[{string.Join(", ", t.Shape)}]"}, " +
            $"\"data_offsets\": {offsets ?? FormattableString.Invariant($"[{begin}, {begin + t.Bytes}]")}{extra}}}";
        string Header(Func<int, string?>? replace = null, string? metadataText = null) =>
            "{" + string.Join(", ", tensors.Select((t, i) => replace?.Invoke(i) ?? Entry(t, begins[i]))
                .Concat(metadataText is not null ? [metadataText] : metadata ? ["\"__metadata__\": {\"format\": \"pt\"}"] : [])) + "}";
        string TargetReplaced(string entry) => Header(i => i == target ? entry : null);
        Tensor t = tensors[target];
        long b = begins[target];

        string what, header = Header();
        long data = dataLength;
        ulong? claimedLength = null;
        switch (random.Next(12))
        {
            case 0:
                long cut = 1 + random.NextInt64(Math.Max(1, dataLength));
                (what, data) = ($"the data {cut} byte(s) short", dataLength - cut);
                break;
            case 1:
                long extra = 1 + random.Next(64);
                (what, data) = ($"{extra} byte(s) after the last tensor", dataLength + extra);
                break;
            case 2:
                ulong[] lengths = [0, (ulong)SafetensorsFile.MaxHeaderLength + 1, ulong.MaxValue, 1UL << 63, (ulong)Encoding.UTF8.GetByteCount(header) + (ulong)dataLength + 1 + (ulong)random.Next(100)];
                claimedLength = lengths[random.Next(lengths.Length)];
                what = $"header length {claimedLength}";
                break;
            case 3:
                int shorter = 1 + random.Next(Encoding.UTF8.GetByteCount(header) - 1);
                claimedLength = (ulong)(Encoding.UTF8.GetByteCount(header) - shorter);
                what = $"header length {shorter} short (JSON cut)";
                break;
            case 4:
                string[] badDTypes = ["\"F8\"", "\"f16\"", "\"\"", "5", "null", "[\"F16\"]", "\"FLOAT16\""];
                string dtype = badDTypes[random.Next(badDTypes.Length)];
                (what, header) = ($"dtype {dtype}", TargetReplaced(Entry(t, b, dtype: dtype)));
                break;
            case 5:
                string[] badShapes = ["[-1]", "[1.5]", "[\"2\"]", "3", "null", "[4294967296, 4294967296, 4294967296]", "[9223372036854775808]", $"[{t.Shape.Aggregate(1L, (p, l) => p * l) + 1}]"];
                string shape = badShapes[random.Next(badShapes.Length)];
                (what, header) = ($"shape {shape}", TargetReplaced(Entry(t, b, shape: shape)));
                break;
            case 6:
                string[] badOffsets =
                [
                    FormattableString.Invariant($"[{b + t.Bytes}, {b}]"), FormattableString.Invariant($"[{b}, {b + t.Bytes + 1}]"),
                    FormattableString.Invariant($"[{dataLength}, {dataLength + t.Bytes}]"), FormattableString.Invariant($"[{b}]"),
                    FormattableString.Invariant($"[{b}, {b + t.Bytes}, 0]"), "[\"0\", \"1\"]", "[-1, 3]", "[0, 9223372036854775807]", "[0, 18446744073709551616]", "null",
                ];
                string offsets = badOffsets[random.Next(badOffsets.Length)];
                (what, header) = ($"data_offsets {offsets}", TargetReplaced(Entry(t, b, offsets: offsets)));
                break;
            case 7 when tensors.Length > 1:
                // Another tensor's offsets moved by a few bytes: it overlaps its neighbour or leaves a gap.
                int other = (target + 1) % tensors.Length;
                long shift = 1 + random.Next((int)Math.Max(1, Math.Min(t.Bytes, 8)));
                string moved = FormattableString.Invariant($"[{begins[other] + shift}, {begins[other] + shift + tensors[other].Bytes}]");
                (what, header) = ($"tensor {tensors[other].Name} shifted by {shift} byte(s) (overlap or gap)", Header(i => i == other ? Entry(tensors[other], 0, offsets: moved) : null));
                break;
            case 8:
                string[] fields = [", \"extra\": 1", ", \"dtype\": \"F32\""];
                string field = fields[random.Next(fields.Length)];
                string[] missing =
                [
                    FormattableString.Invariant($"\"{t.Name}\": {{\"shape\": [{string.Join(", ", t.Shape)}], \"data_offsets\": [{b}, {b + t.Bytes}]}}"),
                    FormattableString.Invariant($"\"{t.Name}\": {{\"dtype\": \"{t.DType}\", \"data_offsets\": [{b}, {b + t.Bytes}]}}"),
                    FormattableString.Invariant($"\"{t.Name}\": {{\"dtype\": \"{t.DType}\", \"shape\": [{string.Join(", ", t.Shape)}]}}"),
                    $"\"{t.Name}\": [1, 2]",
                    $"\"{t.Name}\": \"tensor\"",
                ];
                (what, header) = random.Next(2) == 0
                    ? ($"an entry with{field}", TargetReplaced(Entry(t, b, extra: field)))
                    : ("an entry missing a field or not an object", TargetReplaced(missing[random.Next(missing.Length)]));
                break;
            case 9:
                string[] badMetadata = ["\"__metadata__\": {\"n\": 1}", "\"__metadata__\": [\"x\"]", "\"__metadata__\": \"x\"", "\"__metadata__\": {\"a\": \"1\", \"a\": \"2\"}", "\"__metadata__\": {\"a\": null}"];
                string metadataText = badMetadata[random.Next(badMetadata.Length)];
                (what, header) = ($"metadata {metadataText}", Header(metadataText: metadataText));
                break;
            case 10:
                string[] documents = ["[]", "null", "\"x\"", " {}", "{", header + "x", header[..^1] + ",}", "{\"\": {\"dtype\": \"U8\", \"shape\": [0], \"data_offsets\": [0, 0]}}", Header(i => i == target ? Entry(tensors[0], begins[0]) : null) + (tensors.Length > 1 && target != 0 ? string.Empty : " ")];
                string document = documents[random.Next(documents.Length)];
                if (document.EndsWith(' '))
                {
                    // No duplicate to make (one tensor): a trailing NUL instead of padding spaces.
                    document = document[..^1] + "\0";
                }

                (what, header) = ($"header {(document.Length > 50 ? document[..50] + "..." : document)}", document);
                break;
            default:
                byte[][] invalidUtf8 = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xC0, 0x80], [0xED, 0xA0, 0x80]];
                byte[] bad = invalidUtf8[random.Next(invalidUtf8.Length)];
                byte[] headerBytes = Encoding.UTF8.GetBytes(header);
                int at = headerBytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(t.Name)) + 2;
                byte[] mutated = [.. headerBytes[..at], .. bad, .. headerBytes[at..]];
                return ($"invalid UTF-8 {Convert.ToHexString(bad)} in a name", Assemble(mutated, null, data));
        }

        return (what, Assemble(Encoding.UTF8.GetBytes(header), claimedLength, data));
    }

    /// <summary>The length prefix (the header's own length unless claimed otherwise), the header, then <paramref name="dataLength"/> bytes.</summary>
    private static byte[] Assemble(byte[] header, ulong? claimedLength, long dataLength) =>
        [.. SafetensorsBytes.Prefix(claimedLength ?? (ulong)header.Length), .. header, .. Enumerable.Range(0, (int)Math.Max(0, dataLength)).Select(i => (byte)i)];
}
