namespace MInference.Cli.Bench;

/// <summary>Random device buffers and the timing loop of `bench decode`.</summary>
internal static class DecodeBenchBuffers
{
    /// <summary>Uniform values in [-1, 1) encoded in <paramref name="dtype"/>.</summary>
    public static DeviceBuffer Random16(GpuContext context, DType dtype, long count, Random random)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return Upload16(context, values, dtype);
    }

    /// <summary><paramref name="values"/> rounded to <paramref name="dtype"/> in a new device buffer.</summary>
    public static DeviceBuffer Upload16(GpuContext context, ReadOnlySpan<float> values, DType dtype)
    {
        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, dtype);
        return Upload<ushort>(context, bits);
    }

    public static DeviceBuffer RandomBytes(GpuContext context, long count, Random random)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return Upload<byte>(context, bytes);
    }

    public static DeviceBuffer RandomFloats(GpuContext context, long count, Random random)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return Upload<float>(context, values);
    }

    /// <summary>Every one of <paramref name="batch"/> sequences <paramref name="length"/> tokens long.</summary>
    public static DeviceBuffer Lengths(GpuContext context, int batch, int length) =>
        Upload<int>(context, Enumerable.Repeat(length, batch).ToArray());

    /// <summary>Median GPU milliseconds of <paramref name="iterations"/> runs after <paramref name="warmup"/>.</summary>
    public static double Median(GpuContext context, int warmup, int iterations, Action run)
    {
        for (int i = 0; i < warmup; i++)
        {
            run();
        }

        context.Synchronize();
        using var timer = new GpuTimer(context);
        var milliseconds = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            timer.Start();
            run();
            milliseconds[i] = timer.Stop();
        }

        return Statistics.Median(milliseconds);
    }

    private static DeviceBuffer Upload<T>(GpuContext context, T[] values)
        where T : unmanaged
    {
        var buffer = new DeviceBuffer(context, Math.Max(1, (long)values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
        buffer.CopyFromHost<T>(values);
        return buffer;
    }
}
