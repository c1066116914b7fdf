namespace MInference.Sla;

/// <summary>
/// SLA's block mask of every (batch, head) on the device, as <see cref="GpuSparseLinearAttention.PredictMask(GpuContext, DeviceTensor, DeviceTensor, SlaOptions, bool)"/>
/// writes it: the <see cref="Critical"/> and <see cref="Negligible"/> key blocks of each query block
/// as CSR indices (rows over [batch, head, query block], each row exactly
/// <see cref="CriticalBlocksPerRow"/> or <see cref="NegligibleBlocksPerRow"/> key blocks, ascending;
/// a causal mask's row i holds <see cref="SlaOptions.CriticalBlocks"/> and
/// <see cref="SlaOptions.NegligibleBlocks"/> of its i + 1 visible blocks, the diagonal last among
/// the critical ones), and, when kept, the class of every pair. Owns its device buffers and frees them on
/// <see cref="Dispose"/>; the contents are defined once a prediction into it has run.
/// </summary>
public sealed class SlaDeviceMask : IDisposable
{
    private SlaDeviceMask(GpuContext context, SlaShape shape, bool causal, int criticalPerRow, int negligiblePerRow, DeviceCsrIndex critical, DeviceCsrIndex negligible, DeviceBuffer? classes)
    {
        Context = context;
        Shape = shape;
        IsCausal = causal;
        CriticalBlocksPerRow = criticalPerRow;
        NegligibleBlocksPerRow = negligiblePerRow;
        Critical = critical;
        Negligible = negligible;
        Classes = classes;
    }

    /// <summary>The context whose device holds the mask.</summary>
    public GpuContext Context { get; }

    /// <summary>B.</summary>
    public int BatchSize => Shape.Batch;

    /// <summary>H.</summary>
    public int Heads => Shape.Heads;

    /// <summary>N.</summary>
    public int SequenceLength => Shape.SequenceLength;

    /// <summary>Query blocks and key blocks per head: ceil(N / 64).</summary>
    public int Blocks => Shape.Blocks;

    /// <summary>Whether the mask is causal (<see cref="SlaOptions.Causal"/>): row i ranks key blocks j ≤ i only.</summary>
    public bool IsCausal { get; }

    /// <summary>Critical key blocks in every row (<see cref="SlaOptions.CriticalBlocks"/>); causal: the last row's, the most any row holds.</summary>
    public int CriticalBlocksPerRow { get; }

    /// <summary>Negligible key blocks in every row (<see cref="SlaOptions.NegligibleBlocks"/>); causal: the last row's.</summary>
    public int NegligibleBlocksPerRow { get; }

    /// <summary>The critical key blocks: B · H · <see cref="Blocks"/> rows of <see cref="CriticalBlocksPerRow"/> each (causal: each row its own count).</summary>
    public DeviceCsrIndex Critical { get; }

    /// <summary>The negligible key blocks: the same rows, <see cref="NegligibleBlocksPerRow"/> each (possibly none; causal: each row its own count).</summary>
    public DeviceCsrIndex Negligible { get; }

    /// <summary>Whether the class of every (query block, key block) pair is kept (<see cref="CopyClassesToHost"/>).</summary>
    public bool HasClasses => Classes is not null;

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Critical.IsDisposed;

    /// <summary>B, H and N (the head dimension is left 0: the mask does not depend on it).</summary>
    internal SlaShape Shape { get; }

    /// <summary>int8 [B, H, blocks, blocks]: 1 critical, 0 marginal, −1 negligible; null unless kept.</summary>
    internal DeviceBuffer? Classes { get; }

    /// <summary>
    /// Allocates a mask for operands shaped as <paramref name="q"/> ([B, H, N, D]) with the per-row
    /// counts <paramref name="options"/> give ceil(N / 64) blocks, ready for predictions that must not
    /// allocate (<see cref="GpuSparseLinearAttention.PredictMask(GpuContext, DeviceTensor, DeviceTensor, SlaOptions, SlaDeviceMask, DeviceBuffer)"/>).
    /// </summary>
    /// <param name="context">The device.</param>
    /// <param name="q">Only its lengths are read.</param>
    /// <param name="options">k_h, k_l and whether the mask is causal.</param>
    /// <param name="keepClasses">Also hold the class of every pair: B · H · blocks² bytes.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">q is not [B, H, N, D] with N in [1, 2^21].</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has not enough free memory.</exception>
    public static SlaDeviceMask Allocate(GpuContext context, DeviceTensor q, SlaOptions options, bool keepClasses = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        context.ThrowIfDisposed();
        SlaShape shape = SlaOperandValidation.ShapeOf(q.Layout, nameof(q)) with { HeadDim = 0 };
        int critical = options.CriticalBlocks(shape.Blocks);
        int negligible = options.NegligibleBlocks(shape.Blocks);
        (long criticalEntries, long negligibleEntries) = IndexEntries(shape, options);
        var disposables = new List<IDisposable>();
        try
        {
            DeviceCsrIndex criticalIndex = AllocateIndex(context, shape.Rows, criticalEntries, disposables);
            DeviceCsrIndex negligibleIndex = AllocateIndex(context, shape.Rows, negligibleEntries, disposables);
            DeviceBuffer? classes = keepClasses ? new DeviceBuffer(context, shape.Rows * shape.Blocks) : null;
            return new SlaDeviceMask(context, shape, options.Causal, critical, negligible, criticalIndex, negligibleIndex, classes);
        }
        catch
        {
            disposables.ForEach(disposable => disposable.Dispose());
            throw;
        }
    }

    /// <summary>
    /// The class of every pair, one <see cref="SlaBlockMask"/> per (batch, head) at batch · H + head,
    /// as the CPU reference takes them. Waits for the work that writes the mask.
    /// </summary>
    /// <exception cref="InvalidOperationException">The mask was made without its classes.</exception>
    /// <exception cref="ObjectDisposedException">The mask is disposed.</exception>
    /// <exception cref="ArgumentException">The classes are not a valid mask (no prediction has run into it yet).</exception>
    /// <exception cref="CudaException">Earlier asynchronous work on the stream failed.</exception>
    public SlaBlockMask[] CopyClassesToHost()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Classes is null)
        {
            throw new InvalidOperationException("this mask was predicted without its classes; predict it with keepClasses: true to copy them to the host");
        }

        int blocks = Blocks;
        long perHead = (long)blocks * blocks;
        var masks = new SlaBlockMask[BatchSize * Heads];
        var classes = new SlaBlockClass[perHead];
        for (int index = 0; index < masks.Length; index++)
        {
            Classes.CopyToHost<SlaBlockClass>(classes, index * perHead);
            masks[index] = new SlaBlockMask(blocks, blocks, classes);
        }

        return masks;
    }

    /// <summary>Frees the indices and the classes.</summary>
    public void Dispose()
    {
        Classes?.Dispose();
        Negligible.Dispose();
        Critical.Dispose();
    }

    /// <summary>Checks, before a launch, that the mask is alive on <paramref name="context"/>'s device and made for B, H and N of <paramref name="shape"/>.</summary>
    /// <exception cref="ObjectDisposedException">The mask is disposed.</exception>
    /// <exception cref="ArgumentException">The mask lives on another device or was made for other sizes.</exception>
    internal void RequireFits(GpuContext context, SlaShape shape, string name)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Context.Device.Ordinal != context.Device.Ordinal)
        {
            throw new ArgumentException($"{name} lives on device {Context.Device.Ordinal} but the context runs on device {context.Device.Ordinal}", name);
        }

        if (shape with { HeadDim = 0 } != Shape)
        {
            throw new ArgumentException(
                $"{name} was made for batch {BatchSize}, {Heads} heads and N = {SequenceLength}; the operands have batch {shape.Batch}, {shape.Heads} heads and N = {shape.SequenceLength}", name);
        }
    }

    /// <summary>
    /// The entries of both indices over every (batch, head): rows · count, or causally each row's
    /// counts of its visible blocks summed (what mi_sla_mask_index_entries computes natively).
    /// </summary>
    internal static (long Critical, long Negligible) IndexEntries(SlaShape shape, SlaOptions options)
    {
        long heads = (long)shape.Batch * shape.Heads;
        if (!options.Causal)
        {
            return (shape.Rows * options.CriticalBlocks(shape.Blocks), shape.Rows * options.NegligibleBlocks(shape.Blocks));
        }

        long critical = 0, negligible = 0;
        for (int row = 0; row < shape.Blocks; row++)
        {
            int visible = options.VisibleBlocks(row, shape.Blocks);
            critical += options.CriticalBlocks(visible);
            negligible += options.NegligibleBlocks(visible);
        }

        return (heads * critical, heads * negligible);
    }

    /// <summary>Checks that the mask is causal exactly when the options are: a causal forward over a bidirectional mask would see future blocks, and the reverse would leave them to the linear branch.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    internal void RequireCausality(SlaOptions options, string name)
    {
        if (IsCausal != options.Causal)
        {
            throw new ArgumentException(
                $"{name} is {(IsCausal ? "causal" : "bidirectional")} but the options ask for {(options.Causal ? "causal" : "bidirectional")} SLA (allocate and predict the mask with the same options)", name);
        }
    }

    /// <summary>Checks that the mask was allocated with these options' counts and causality.</summary>
    /// <exception cref="ArgumentException">It was not.</exception>
    internal void RequireCounts(SlaOptions options, string name)
    {
        RequireCausality(options, name);
        int critical = options.CriticalBlocks(Blocks), negligible = options.NegligibleBlocks(Blocks);
        if (CriticalBlocksPerRow != critical || NegligibleBlocksPerRow != negligible)
        {
            throw new ArgumentException(
                $"{name} holds {CriticalBlocksPerRow} critical and {NegligibleBlocksPerRow} negligible blocks per row; the options give {critical} and {negligible} of {Blocks} blocks (allocate the mask with the same options)",
                name);
        }
    }

    private static DeviceCsrIndex AllocateIndex(GpuContext context, long rows, long entries, List<IDisposable> disposables)
    {
        var rowPointers = new DeviceBuffer(context, (rows + 1) * sizeof(long));
        disposables.Add(rowPointers);
        // An empty index still gets a (never read) allocation: device buffers are never empty.
        var values = new DeviceBuffer(context, Math.Max(entries, 1) * sizeof(int));
        disposables.Add(values);
        DeviceCsrIndex index = DeviceCsrIndex.Wrap(context, rowPointers, values, rows, entries);
        disposables.Add(index);
        return index;
    }
}
