namespace MInference.Sla;

/// <summary>
/// The class of every (query block, key block) pair of one head, and SLA's mask prediction on the
/// CPU: Q and K mean-pooled over 64-token blocks (the tail block divided by its real count; K first
/// smoothed by its mean over tokens when asked), pooled scores q̄ᵢ·k̄ⱼ (a row's order under the softmax
/// of the paper is the same), then per row the top <see cref="SlaOptions.CriticalBlocks"/> critical,
/// the bottom <see cref="SlaOptions.NegligibleBlocks"/> negligible, the rest marginal. Ranking: higher
/// score first, equal scores by the smaller key block, so ties resolve the same way everywhere.
/// Causal (<see cref="SlaOptions.Causal"/>): row i ranks key blocks j ≤ i only, its diagonal block
/// first, the fractions count those i + 1 blocks, and the blocks past the diagonal are negligible.
/// </summary>
public sealed class SlaBlockMask
{
    private readonly SlaBlockClass[] _classes;

    /// <summary>A mask from explicit classes, row-major [query blocks, key blocks].</summary>
    /// <exception cref="ArgumentOutOfRangeException">A block count is not positive.</exception>
    /// <exception cref="ArgumentException">The class count or a value is wrong, or a row has no critical block.</exception>
    public SlaBlockMask(int queryBlocks, int keyBlocks, ReadOnlySpan<SlaBlockClass> classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queryBlocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyBlocks);
        if (classes.Length != (long)queryBlocks * keyBlocks)
        {
            throw new ArgumentException($"{classes.Length} classes; expected query blocks * key blocks = {(long)queryBlocks * keyBlocks}", nameof(classes));
        }

        for (int row = 0; row < queryBlocks; row++)
        {
            ReadOnlySpan<SlaBlockClass> cells = classes.Slice(row * keyBlocks, keyBlocks);
            foreach (SlaBlockClass cell in cells)
            {
                if (!Enum.IsDefined(cell))
                {
                    throw new ArgumentException($"row {row} holds the class value {(sbyte)cell}; expected -1, 0 or 1", nameof(classes));
                }
            }

            if (!cells.Contains(SlaBlockClass.Critical))
            {
                throw new ArgumentException($"row {row} has no critical block; every query block needs at least one", nameof(classes));
            }
        }

        QueryBlocks = queryBlocks;
        KeyBlocks = keyBlocks;
        _classes = classes.ToArray();
    }

    /// <summary>Query blocks (rows).</summary>
    public int QueryBlocks { get; }

    /// <summary>Key blocks (columns).</summary>
    public int KeyBlocks { get; }

    /// <summary>The class of (query block, key block).</summary>
    public SlaBlockClass this[int queryBlock, int keyBlock] => _classes[(queryBlock * KeyBlocks) + keyBlock];

    /// <summary>Every class, row-major.</summary>
    public ReadOnlySpan<SlaBlockClass> Classes => _classes;

    /// <summary>Predicts the mask of one head.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SlaBlockMask Predict(SlaHead head, SlaOptions options)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int blocks = head.Blocks;
        int d = head.HeadDim;
        double[] pooledQ = Pool(head.Q.Span, head.SequenceLength, d, shift: null);
        double[]? keyMean = options.SmoothKeys ? Mean(head.K.Span, head.SequenceLength, d) : null;
        double[] pooledK = Pool(head.K.Span, head.SequenceLength, d, keyMean);
        var classes = new SlaBlockClass[blocks * blocks];
        var scores = new double[blocks];
        var ranked = new int[blocks];
        for (int row = 0; row < blocks; row++)
        {
            // Causal: only key blocks j <= row are ranked, the diagonal first (its own tokens are the
            // only keys every query of the block sees); the blocks past it stay negligible.
            int visible = options.VisibleBlocks(row, blocks);
            int diagonal = options.Causal ? row : -1;
            int critical = options.CriticalBlocks(visible);
            int negligible = options.NegligibleBlocks(visible);
            for (int column = 0; column < visible; column++)
            {
                double dot = 0;
                for (int c = 0; c < d; c++)
                {
                    dot += pooledQ[(row * d) + c] * pooledK[(column * d) + c];
                }

                scores[column] = dot;
                ranked[column] = column;
            }

            Array.Sort(ranked, 0, visible, Comparer<int>.Create((a, b) =>
                a == diagonal ? (b == diagonal ? 0 : -1)
                : b == diagonal ? 1
                : scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b)));
            Span<SlaBlockClass> cells = classes.AsSpan(row * blocks, blocks);
            cells[visible..].Fill(SlaBlockClass.Negligible);
            for (int rank = 0; rank < visible; rank++)
            {
                cells[ranked[rank]] = rank < critical ? SlaBlockClass.Critical
                    : rank >= visible - negligible ? SlaBlockClass.Negligible
                    : SlaBlockClass.Marginal;
            }
        }

        return new SlaBlockMask(blocks, blocks, classes);
    }

    private static double[] Mean(ReadOnlySpan<double> matrix, int rows, int d)
    {
        var mean = new double[d];
        for (int row = 0; row < rows; row++)
        {
            for (int c = 0; c < d; c++)
            {
                mean[c] += matrix[(row * d) + c];
            }
        }

        for (int c = 0; c < d; c++)
        {
            mean[c] /= rows;
        }

        return mean;
    }

    /// <summary>Block means of the rows, each minus <paramref name="shift"/> when given; the tail block divides by its own count.</summary>
    private static double[] Pool(ReadOnlySpan<double> matrix, int rows, int d, double[]? shift)
    {
        int blocks = (rows + SlaOptions.BlockSize - 1) / SlaOptions.BlockSize;
        var pooled = new double[blocks * d];
        for (int block = 0; block < blocks; block++)
        {
            int first = block * SlaOptions.BlockSize;
            int count = Math.Min(SlaOptions.BlockSize, rows - first);
            for (int c = 0; c < d; c++)
            {
                double sum = 0;
                for (int row = first; row < first + count; row++)
                {
                    sum += matrix[(row * d) + c] - (shift?[c] ?? 0);
                }

                pooled[(block * d) + c] = sum / count;
            }
        }

        return pooled;
    }
}
