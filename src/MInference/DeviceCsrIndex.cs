namespace MInference;

/// <summary>
/// Per-query-block lists on the device in CSR form, the index format of the block-sparse and
/// vertical-slash kernels: row r's entries are Values[RowPointers[r] .. RowPointers[r + 1]), with
/// rows flattened over [batch, listed head, 64-row query block]. Owns its two device buffers and
/// frees them on <see cref="Dispose"/>; keep it alive until the kernels that read it have run.
/// </summary>
public sealed class DeviceCsrIndex : IDisposable
{
    private DeviceCsrIndex(GpuContext context, DeviceBuffer rowPointers, DeviceBuffer values, long rowCount, long valueCount)
    {
        Context = context;
        RowPointers = rowPointers;
        Values = values;
        RowCount = rowCount;
        ValueCount = valueCount;
    }

    /// <summary>The context whose device holds the index.</summary>
    public GpuContext Context { get; }

    /// <summary>Number of rows (query blocks over all batches and listed heads).</summary>
    public long RowCount { get; }

    /// <summary>Number of entries over all rows.</summary>
    public long ValueCount { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => RowPointers.IsDisposed;

    internal DeviceBuffer RowPointers { get; }

    internal DeviceBuffer Values { get; }

    /// <summary>
    /// Copies a host CSR index to the device. <paramref name="rowPointers"/> has one entry more than
    /// there are rows, starts at 0, never decreases and ends at <paramref name="values"/>' length.
    /// </summary>
    /// <exception cref="ArgumentException">The row pointers are not a valid prefix sum over <paramref name="values"/>.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    public static DeviceCsrIndex Upload(GpuContext context, ReadOnlySpan<long> rowPointers, ReadOnlySpan<int> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequirePrefixSum(rowPointers, values.Length);
        var pointerBuffer = new DeviceBuffer(context, rowPointers.Length * sizeof(long));
        DeviceBuffer? valueBuffer = null;
        try
        {
            // An empty index still gets a (never read) allocation: device buffers are never empty.
            valueBuffer = new DeviceBuffer(context, Math.Max(values.Length, 1) * sizeof(int));
            pointerBuffer.CopyFromHost(rowPointers);
            valueBuffer.CopyFromHost(values);
            return new DeviceCsrIndex(context, pointerBuffer, valueBuffer, rowPointers.Length - 1, values.Length);
        }
        catch
        {
            valueBuffer?.Dispose();
            pointerBuffer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes ownership of an index already on the device (built there, e.g. by the vertical-slash
    /// index conversion): <paramref name="rowPointers"/> holds <paramref name="rowCount"/> + 1
    /// int64 prefix sums, <paramref name="values"/> at least <paramref name="valueCount"/> int32.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too small for the counts or lives on another device.</exception>
    internal static DeviceCsrIndex Wrap(GpuContext context, DeviceBuffer rowPointers, DeviceBuffer values, long rowCount, long valueCount)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rowPointers);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfNegative(valueCount);
        if (rowPointers.LengthInBytes < (rowCount + 1) * sizeof(long))
        {
            throw new ArgumentException($"rowPointers holds {rowPointers.LengthInBytes} bytes; {rowCount + 1} row pointers need {(rowCount + 1) * sizeof(long)}", nameof(rowPointers));
        }

        if (values.LengthInBytes < valueCount * sizeof(int))
        {
            throw new ArgumentException($"values holds {values.LengthInBytes} bytes; {valueCount} entries need {valueCount * sizeof(int)}", nameof(values));
        }

        if (rowPointers.Context.Device.Ordinal != context.Device.Ordinal || values.Context.Device.Ordinal != context.Device.Ordinal)
        {
            throw new ArgumentException("the index buffers must live on the context's device", nameof(context));
        }

        return new DeviceCsrIndex(context, rowPointers, values, rowCount, valueCount);
    }

    /// <summary>Frees both device buffers.</summary>
    public void Dispose()
    {
        Values.Dispose();
        RowPointers.Dispose();
    }

    private static void RequirePrefixSum(ReadOnlySpan<long> rowPointers, int valueCount)
    {
        if (rowPointers.IsEmpty || rowPointers[0] != 0)
        {
            throw new ArgumentException("rowPointers must have at least one entry and start at 0", nameof(rowPointers));
        }

        for (int r = 1; r < rowPointers.Length; r++)
        {
            if (rowPointers[r] < rowPointers[r - 1])
            {
                throw new ArgumentException($"rowPointers[{r}] = {rowPointers[r]} is below rowPointers[{r - 1}] = {rowPointers[r - 1]}; row pointers never decrease", nameof(rowPointers));
            }
        }

        if (rowPointers[^1] != valueCount)
        {
            throw new ArgumentException($"rowPointers ends at {rowPointers[^1]} but there are {valueCount} values", nameof(rowPointers));
        }
    }
}
