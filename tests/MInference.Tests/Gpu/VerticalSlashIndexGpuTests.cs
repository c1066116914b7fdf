using MInference.Interop;
using MInference.Sparse.Estimation;
using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;

namespace MInference.Tests.Gpu;

/// <summary>
/// The index conversion on the GPU against <see cref="VerticalSlashIndexBuilder"/>: given the same
/// selection (uploaded from the host), the two CSR indices must be equal entry for entry.
/// </summary>
public sealed class VerticalSlashIndexGpuTests : GpuFixture
{
    /// <summary>The selection the CPU estimation makes on structured data (heads [6, 1, 2]), converted with the workspace the call allocates.</summary>
    [TestCaseSource(typeof(VerticalSlashGpuCases), nameof(VerticalSlashGpuCases.All))]
    public void IndexOfTheCpuSelectionEqualsTheCpuIndex(VerticalSlashGpuCase testCase)
    {
        using var inputs = VerticalSlashGpuInputs.Create(Context, testCase);
        VerticalSlashSelection selection = VerticalSlashEstimation.Estimate(inputs.Q, inputs.K, SparseCase.Heads, testCase.Pattern).Selection;
        AssertConvertsLikeTheCpu(selection, $"{testCase} (seed {inputs.Seed})", explicitWorkspace: false);
    }

    /// <summary>
    /// Random selections (batch 2, heads [6, 1, 2]) with counts from none or one up to N, converted
    /// with a caller workspace: scattered diagonals exercise every branch of the merge (new range,
    /// extension, overlap), dense ones long merged runs.
    /// </summary>
    [TestCaseSource(nameof(RandomSelectionCounts))]
    public void IndexOfARandomSelectionEqualsTheCpuIndex(int n, int verticalCount, int slashCount)
    {
        string name = $"random N {n} v {verticalCount} s {slashCount}";
        var random = new Random(Support.RandomValues.StableSeed(name));
        const int Batch = 2;
        int lists = Batch * SparseCase.Heads.Length;
        var verticals = new List<int>();
        var slashOffsets = new List<int>();
        for (int list = 0; list < lists; list++)
        {
            verticals.AddRange(Subset(random, n, verticalCount, mustHave: -1).Order());
            slashOffsets.AddRange(Subset(random, n, slashCount, mustHave: 0).OrderDescending());
        }

        var selection = new VerticalSlashSelection(n, Batch, SparseCase.Heads, verticalCount, verticals.ToArray(), slashCount, slashOffsets.ToArray());
        AssertConvertsLikeTheCpu(selection, name, explicitWorkspace: true);
    }

    /// <summary>
    /// The C ABI's promise for a fill whose value buffers are shorter than the counted totals: rows
    /// that fit are written as usual, nothing at or past the capacity is touched.
    /// </summary>
    [Test]
    public void NativeFillStopsAtTheCapacity()
    {
        const int N = 1000;
        const int SlashCount = 8;
        const byte Sentinel = 0x5A;
        var random = new Random(7);
        int lists = SparseCase.Heads.Length;
        int[] verticals = Enumerable.Range(0, lists).SelectMany(_ => Subset(random, N, 100, mustHave: -1).Order()).ToArray();
        // Diagonals near the main one: short block runs, so most verticals become gathered columns.
        int[] slashes = Enumerable.Range(0, lists).SelectMany(_ => Subset(random, 16, SlashCount, mustHave: 0).OrderDescending()).ToArray();
        var selection = new VerticalSlashSelection(N, 1, SparseCase.Heads, 100, verticals, SlashCount, slashes);
        VerticalSlashIndex expected = VerticalSlashIndexBuilder.Build(selection);
        long blockCapacity = expected.BlockStarts.Length / 2;
        long columnCapacity = expected.Columns.Length / 2;
        Assert.That(columnCapacity, Is.GreaterThan(0), "the test data must give gathered columns to cut short");

        using DeviceBuffer verticalBuffer = Upload<int>(verticals);
        using DeviceBuffer slashBuffer = Upload<int>(slashes);
        using var blockRows = new DeviceBuffer(Context, (expected.RowCount + 1L) * sizeof(long));
        using var columnRows = new DeviceBuffer(Context, (expected.RowCount + 1L) * sizeof(long));
        using var blockStarts = new DeviceBuffer(Context, expected.BlockStarts.Length * sizeof(int));
        using var columns = new DeviceBuffer(Context, expected.Columns.Length * sizeof(int));
        blockStarts.Fill(Sentinel);
        columns.Fill(Sentinel);
        using var workspace = new DeviceBuffer(Context, 64L << 20);
        using (var verticalMemory = new SafeHandleLease(verticalBuffer.Memory))
        using (var slashMemory = new SafeHandleLease(slashBuffer.Memory))
        using (var blockRowMemory = new SafeHandleLease(blockRows.Memory))
        using (var columnRowMemory = new SafeHandleLease(columnRows.Memory))
        using (var blockStartMemory = new SafeHandleLease(blockStarts.Memory))
        using (var columnMemory = new SafeHandleLease(columns.Memory))
        using (var workspaceMemory = new SafeHandleLease(workspace.Memory))
        {
            var args = new MiVsIndexArgs
            {
                Rows = lists,
                SeqLen = N,
                VerticalCount = 100,
                SlashCount = SlashCount,
                Verticals = verticalMemory.Value,
                Slashes = slashMemory.Value,
                BlockRowPtr = blockRowMemory.Value,
                ColumnRowPtr = columnRowMemory.Value,
                BlockStarts = blockStartMemory.Value,
                BlockCapacity = blockCapacity,
                Columns = columnMemory.Value,
                ColumnCapacity = columnCapacity,
            };
            MiStatus.ThrowIfFailed(MiNative.mi_vs_index_count(in args, workspaceMemory.Value, workspace.LengthInBytes, Context.Stream.Handle));
            MiStatus.ThrowIfFailed(MiNative.mi_vs_index_fill(in args, Context.Stream.Handle));
        }

        var actualBlocks = new int[expected.BlockStarts.Length];
        var actualColumns = new int[expected.Columns.Length];
        blockStarts.CopyToHost<int>(actualBlocks);
        columns.CopyToHost<int>(actualColumns);
        Assert.Multiple(() =>
        {
            AssertWithinCapacity("block starts", actualBlocks, expected.BlockStarts.Span, expected.BlockRowPointers.Span, blockCapacity);
            AssertWithinCapacity("columns", actualColumns, expected.Columns.Span, expected.ColumnRowPointers.Span, columnCapacity);
        });

        void AssertWithinCapacity(string what, int[] actual, ReadOnlySpan<int> values, ReadOnlySpan<long> rowPointers, long capacity)
        {
            int fitting = 0;
            while (fitting < rowPointers.Length - 1 && rowPointers[fitting + 1] <= capacity)
            {
                fitting++;
            }

            long written = rowPointers[fitting];
            int sentinel = BitConverter.ToInt32([Sentinel, Sentinel, Sentinel, Sentinel]);
            Assert.That(actual[..(int)written], Is.EqualTo(values[..(int)written].ToArray()), $"{what}: the rows that fit the capacity");
            Assert.That(actual[(int)capacity..], Is.All.EqualTo(sentinel), $"{what}: written at or past the capacity {capacity}");
        }
    }

    public static IEnumerable<TestCaseData> RandomSelectionCounts()
    {
        foreach (int n in new[] { 1, 63, 64, 65, 200, 1000, 4096 })
        {
            var counts = new HashSet<(int, int)>
            {
                (0, 1),
                (1, 1),
                (n, n),
                (Math.Min(n, 30), Math.Min(n, 50)),
                (Math.Min(n, 100), Math.Min(n, 300)),
                (n / 2, Math.Max(1, n / 3)),
            };
            foreach ((int verticalCount, int slashCount) in counts)
            {
                yield return new TestCaseData(n, verticalCount, slashCount).SetName($"IndexOfARandomSelectionEqualsTheCpuIndex(N {n}, v {verticalCount}, s {slashCount})");
            }
        }
    }

    private void AssertConvertsLikeTheCpu(VerticalSlashSelection selection, string context, bool explicitWorkspace)
    {
        VerticalSlashIndex expected = VerticalSlashIndexBuilder.Build(selection);
        using var deviceSelection = DeviceVerticalSlashSelection.Upload(Context, selection);
        long workspaceBytes = VerticalSlashGpu.IndexWorkspaceSize(Context, deviceSelection.RowCount, selection.SequenceLength, selection.VerticalCount, selection.SlashCount);
        using DeviceBuffer? workspace = explicitWorkspace && workspaceBytes > 0 ? new DeviceBuffer(Context, workspaceBytes) : null;

        using DeviceVerticalSlashIndex index = VerticalSlashGpu.BuildIndex(Context, deviceSelection, workspace);
        VerticalSlashIndex actual = index.Download();

        Assert.Multiple(() =>
        {
            Assert.That(index.Blocks.RowCount, Is.EqualTo(expected.RowCount), $"{context}: block rows");
            Assert.That(index.Columns.RowCount, Is.EqualTo(expected.RowCount), $"{context}: column rows");
            Assert.That(index.Blocks.ValueCount, Is.EqualTo(expected.BlockStarts.Length), $"{context}: block starts allocated exactly");
            Assert.That(index.Columns.ValueCount, Is.EqualTo(expected.Columns.Length), $"{context}: columns allocated exactly");
            Assert.That(actual.Heads.ToArray(), Is.EqualTo(selection.Heads.ToArray()), $"{context}: heads");
            Assert.That(actual.BlockRowPointers.ToArray(), Is.EqualTo(expected.BlockRowPointers.ToArray()), $"{context}: block row pointers");
            Assert.That(actual.BlockStarts.ToArray(), Is.EqualTo(expected.BlockStarts.ToArray()), $"{context}: block starts");
            Assert.That(actual.ColumnRowPointers.ToArray(), Is.EqualTo(expected.ColumnRowPointers.ToArray()), $"{context}: column row pointers");
            Assert.That(actual.Columns.ToArray(), Is.EqualTo(expected.Columns.ToArray()), $"{context}: columns");
        });
    }

    /// <summary><paramref name="count"/> distinct values in [0, <paramref name="n"/>), including <paramref name="mustHave"/> when it is &gt;= 0.</summary>
    private static int[] Subset(Random random, int n, int count, int mustHave)
    {
        int[] values = Enumerable.Range(0, n).ToArray();
        random.Shuffle(values);
        if (mustHave >= 0)
        {
            int at = Array.IndexOf(values, mustHave);
            (values[0], values[at]) = (values[at], values[0]);
        }

        return values[..count];
    }
}
