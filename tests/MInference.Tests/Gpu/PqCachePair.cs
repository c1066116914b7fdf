using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// A <see cref="PqKvCache"/> and a <see cref="GpuPqKvCache"/> fed the same random tokens (rounded to
/// the cache's dtype first, so both see the same values), with a log of every token appended per
/// (sequence, kv head) to judge code mismatches. <see cref="AssertSame"/> reads the GPU cache back and
/// compares lengths (host mirror and device), windows (bit-exact) and codes (equal, or a near tie:
/// the GPU's centroid within fp32 rounding of the CPU's nearest, as in <see cref="PqEncodeGpuTests"/>).
/// </summary>
internal sealed class PqCachePair : IDisposable
{
    private readonly GpuContext _context;
    private readonly Random _random;
    private readonly List<float>[] _keyLog;
    private readonly List<float>[] _valueLog;
    private readonly List<DeviceBuffer> _inputs = [];

    public PqCachePair(GpuContext context, Random random, PqCodebooks codebooks, PqKvCacheOptions options, GpuStream? encodeStream = null)
    {
        _context = context;
        _random = random;
        EncodeStream = encodeStream;
        Cpu = new PqKvCache(codebooks, 0, options);
        Gpu = new GpuPqKvCache(context, codebooks, 0, options);
        _keyLog = Enumerable.Range(0, options.BatchSize * codebooks.KvHeads).Select(_ => new List<float>()).ToArray();
        _valueLog = Enumerable.Range(0, options.BatchSize * codebooks.KvHeads).Select(_ => new List<float>()).ToArray();
    }

    public PqKvCache Cpu { get; }

    public GpuPqKvCache Gpu { get; }

    public GpuStream? EncodeStream { get; }

    private int KvHeads => Cpu.KvHeads;

    private int HeadDim => Cpu.HeadDim;

    /// <summary>Random codebooks of one layer: per kv head, or one shared pair.</summary>
    public static PqCodebooks RandomCodebooks(Random random, int headDim, int subspaces, int kvHeads, bool shared)
    {
        int books = shared ? 1 : kvHeads;
        PqCodebook Book() => new(headDim, subspaces, RandomValues.Normal(headDim * PqCodebookOptions.SupportedCentroids, random.Next()));
        PqCodebook[] keys = Enumerable.Range(0, books).Select(_ => Book()).ToArray();
        PqCodebook[] values = Enumerable.Range(0, books).Select(_ => Book()).ToArray();
        return new PqCodebooks(shared ? PqCodebookGranularity.Shared : PqCodebookGranularity.PerLayerKvHead, 1, kvHeads, keys, values);
    }

    /// <summary>Appends the same random prompt of <paramref name="tokens"/> tokens to <paramref name="sequence"/> of both caches.</summary>
    public void Prompt(int sequence, int tokens)
    {
        var hostLayout = TensorLayout.Contiguous(KvHeads, tokens, HeadDim);
        var deviceLayout = TensorLayout.Bhsd(1, KvHeads, tokens, HeadDim);
        (ushort[] keyBits, float[] keys) = RandomValues.NormalRoundedTo(Cpu.DType, hostLayout.ElementCount, _random);
        (ushort[] valueBits, float[] values) = RandomValues.NormalRoundedTo(Cpu.DType, hostLayout.ElementCount, _random);
        Cpu.AppendPrompt(sequence, new ReadOnlyHostTensor(keys, hostLayout), new ReadOnlyHostTensor(values, hostLayout));
        Gpu.AppendPrompt(sequence, Input(keyBits, deviceLayout), Input(valueBits, deviceLayout), EncodeStream);
        for (int head = 0; head < KvHeads; head++)
        {
            _keyLog[(sequence * KvHeads) + head].AddRange(keys.AsSpan(head * tokens * HeadDim, tokens * HeadDim));
            _valueLog[(sequence * KvHeads) + head].AddRange(values.AsSpan(head * tokens * HeadDim, tokens * HeadDim));
        }
    }

    /// <summary>Appends the same random token to every sequence of both caches.</summary>
    public void Step()
    {
        int batch = Cpu.BatchSize;
        var hostLayout = TensorLayout.Contiguous(batch, KvHeads, HeadDim);
        var deviceLayout = TensorLayout.Bhsd(batch, KvHeads, 1, HeadDim);
        (ushort[] keyBits, float[] keys) = RandomValues.NormalRoundedTo(Cpu.DType, hostLayout.ElementCount, _random);
        (ushort[] valueBits, float[] values) = RandomValues.NormalRoundedTo(Cpu.DType, hostLayout.ElementCount, _random);
        Cpu.AppendStep(new ReadOnlyHostTensor(keys, hostLayout), new ReadOnlyHostTensor(values, hostLayout));
        Gpu.AppendStep(Input(keyBits, deviceLayout), Input(valueBits, deviceLayout), EncodeStream);
        for (int slot = 0; slot < batch * KvHeads; slot++)
        {
            _keyLog[slot].AddRange(keys.AsSpan(slot * HeadDim, HeadDim));
            _valueLog[slot].AddRange(values.AsSpan(slot * HeadDim, HeadDim));
        }
    }

    /// <summary>The GPU cache's state as the host reads it back, after every encode has finished.</summary>
    public GpuCacheContents Download()
    {
        Gpu.SynchronizeEncoding();
        _context.Synchronize();
        GpuPqCacheView view = Gpu.View;
        var contents = new GpuCacheContents(
            new byte[view.KeyCodes.LengthInBytes], new byte[view.ValueCodes.LengthInBytes],
            new ushort[view.KeyWindow.Buffer.LengthInBytes / sizeof(ushort)], new ushort[view.ValueWindow.Buffer.LengthInBytes / sizeof(ushort)],
            new int[Gpu.BatchSize], new int[Gpu.BatchSize]);
        view.KeyCodes.CopyToHost<byte>(contents.KeyCodes);
        view.ValueCodes.CopyToHost<byte>(contents.ValueCodes);
        view.KeyWindow.Buffer.CopyToHost<ushort>(contents.KeyWindow);
        view.ValueWindow.Buffer.CopyToHost<ushort>(contents.ValueWindow);
        view.CodedLengths.CopyToHost<int>(contents.CodedLengths);
        view.WindowLengths.CopyToHost<int>(contents.WindowLengths);
        return contents;
    }

    /// <summary>Asserts that the GPU cache holds what the CPU cache holds.</summary>
    public void AssertSame(string stage)
    {
        GpuCacheContents gpu = Download();
        int batch = Cpu.BatchSize, m = Cpu.Subspaces, window = Cpu.WindowTokens, capacity = Cpu.Capacity;
        int mismatches = 0, nearTies = 0, windowDifferences = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < KvHeads; h++)
            {
                int slot = (b * KvHeads) + h;
                int codeStart = slot * capacity * m;
                (int keyWrong, int keyTies) = CompareCodes(Cpu.Codebooks.Keys(0, h), Cpu.KeyCodes(b, h), gpu.KeyCodes.AsSpan(codeStart), _keyLog[slot]);
                (int valueWrong, int valueTies) = CompareCodes(Cpu.Codebooks.Values(0, h), Cpu.ValueCodes(b, h), gpu.ValueCodes.AsSpan(codeStart), _valueLog[slot]);
                mismatches += keyWrong + valueWrong;
                nearTies += keyTies + valueTies;
                int windowStart = slot * window * HeadDim;
                int windowElements = Cpu.WindowLength(b) * HeadDim;
                windowDifferences += CountDifferences(Cpu.KeyWindow(b, h), gpu.KeyWindow.AsSpan(windowStart, windowElements));
                windowDifferences += CountDifferences(Cpu.ValueWindow(b, h), gpu.ValueWindow.AsSpan(windowStart, windowElements));
            }
        }

        Assert.Multiple(() =>
        {
            for (int b = 0; b < batch; b++)
            {
                Assert.That(Gpu.Length(b), Is.EqualTo(Cpu.Length(b)), $"{stage}: sequence {b} length");
                Assert.That(Gpu.CodedLength(b), Is.EqualTo(Cpu.CodedLength(b)), $"{stage}: sequence {b} coded length");
                Assert.That(Gpu.WindowLength(b), Is.EqualTo(Cpu.WindowLength(b)), $"{stage}: sequence {b} window length");
                Assert.That(gpu.CodedLengths[b], Is.EqualTo(Cpu.CodedLength(b)), $"{stage}: sequence {b} device coded length");
                Assert.That(gpu.WindowLengths[b], Is.EqualTo(Cpu.WindowLength(b)), $"{stage}: sequence {b} device window length");
            }

            Assert.That(windowDifferences, Is.Zero, $"{stage}: window values differing from PqKvCache's");
            Assert.That(mismatches, Is.Zero, $"{stage}: codes farther than the nearest centroid ({nearTies} near ties accepted)");
        });
    }

    /// <summary>Frees the inputs (after the encodes that read them) and the GPU cache.</summary>
    public void Dispose()
    {
        Gpu.SynchronizeEncoding();
        foreach (DeviceBuffer input in _inputs)
        {
            input.Dispose();
        }

        Gpu.Dispose();
    }

    private static (int Wrong, int NearTies) CompareCodes(PqCodebook book, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, List<float> log)
    {
        int wrong = 0, nearTies = 0;
        int m = book.Subspaces, subDim = book.SubspaceDim;
        for (int i = 0; i < expected.Length; i++)
        {
            if (actual[i] == expected[i])
            {
                continue;
            }

            int token = i / m, subspace = i % m;
            int origin = (token * book.HeadDim) + (subspace * subDim);
            double best = SquaredDistance(log, origin, book.Centroid(subspace, expected[i]));
            double chosen = SquaredDistance(log, origin, book.Centroid(subspace, actual[i]));
            if (chosen <= (best * (1 + 1e-5)) + 1e-12)
            {
                nearTies++;
            }
            else
            {
                wrong++;
            }
        }

        return (wrong, nearTies);
    }

    private static double SquaredDistance(List<float> log, int origin, ReadOnlySpan<float> centroid)
    {
        double sum = 0;
        for (int j = 0; j < centroid.Length; j++)
        {
            double difference = (double)log[origin + j] - centroid[j];
            sum += difference * difference;
        }

        return sum;
    }

    private static int CountDifferences(ReadOnlySpan<ushort> expected, ReadOnlySpan<ushort> actual)
    {
        int differences = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            differences += expected[i] == actual[i] ? 0 : 1;
        }

        return differences;
    }

    /// <summary>A device input holding <paramref name="bits"/>, kept alive until the encodes that read it have finished.</summary>
    private DeviceTensor Input(ushort[] bits, TensorLayout layout)
    {
        var buffer = new DeviceBuffer(_context, Math.Max(bits.Length, 1) * sizeof(ushort));
        buffer.CopyFromHost<ushort>(bits);
        _inputs.Add(buffer);
        return new DeviceTensor(buffer, Cpu.DType, layout);
    }
}

/// <summary>A GPU cache read back to the host: the whole code and window buffers and the device lengths.</summary>
internal sealed record GpuCacheContents(byte[] KeyCodes, byte[] ValueCodes, ushort[] KeyWindow, ushort[] ValueWindow, int[] CodedLengths, int[] WindowLengths);
