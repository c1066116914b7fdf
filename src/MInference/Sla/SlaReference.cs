using MInference.Decode;

namespace MInference.Sla;

/// <summary>
/// The CPU reference of sparse-linear attention (SLA) for one head, in double, following the paper's
/// Algorithms 1 and 2: the critical blocks by exact softmax attention with its log-sum-exp; the
/// linear branch by per-key-block states h_j = φ(K_j)ᵀV_j and z_j = Σ φ(K_j), summed per query
/// block over its marginal blocks (<see cref="SlaLinearBranch.MarginalBlocks"/>) or over every key
/// (<see cref="SlaLinearBranch.AllKeys"/>), O_l = φ(q)·H / (φ(q)·Z); O = O_s + W·O_l + b. Backward
/// takes dO and returns dQ, dK, dV, dW and db with the mask held fixed. Bidirectional, as in
/// diffusion transformers, or causal (<see cref="SlaOptions.Causal"/>): then the critical branch
/// masks keys past the query inside the diagonal block, and a causal mask puts no marginal or
/// critical block past the diagonal, so the linear branch needs no per-token mask.
/// </summary>
public static class SlaReference
{
    /// <summary>The forward of one head.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The mask or the projection does not fit the head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SlaReferenceForward Forward(SlaHead head, SlaBlockMask mask, SlaProjection projection, SlaOptions options)
    {
        var state = new State(head, mask, projection, options);
        int n = head.SequenceLength;
        int d = head.HeadDim;
        var output = new double[n * d];
        ReadOnlySpan<double> w = projection.Weight.Span;
        ReadOnlySpan<double> b = projection.Bias.Span;
        for (int t = 0; t < n; t++)
        {
            for (int a = 0; a < d; a++)
            {
                double projected = b[a];
                for (int c = 0; c < d; c++)
                {
                    projected += w[(a * d) + c] * state.LinearOutput[(t * d) + c];
                }

                output[(t * d) + a] = state.SparseOutput[(t * d) + a] + projected;
            }
        }

        return new SlaReferenceForward(output, state.SparseOutput, state.LinearOutput, state.LogSumExp);
    }

    /// <summary>The gradients of one head for the output gradient <paramref name="outputGradient"/> ([N, D]).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The mask, the projection or dO does not fit the head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SlaReferenceGradients Backward(
        SlaHead head, SlaBlockMask mask, SlaProjection projection, SlaOptions options, ReadOnlySpan<double> outputGradient)
    {
        var state = new State(head, mask, projection, options);
        int n = head.SequenceLength;
        int d = head.HeadDim;
        if (outputGradient.Length != (long)n * d)
        {
            throw new ArgumentException($"dO holds {outputGradient.Length} values; expected N * D = {(long)n * d}", nameof(outputGradient));
        }

        var gradients = new SlaReferenceGradients(new double[n * d], new double[n * d], new double[n * d], new double[d * d], new double[d]);
        // Proj: db = Σ_t dO_t, dW = Σ_t dO_t O_l,tᵀ, and the linear branch's gradient dO_l = Wᵀ dO.
        ReadOnlySpan<double> w = projection.Weight.Span;
        var linearGradient = new double[n * d];
        for (int t = 0; t < n; t++)
        {
            for (int a = 0; a < d; a++)
            {
                double g = outputGradient[(t * d) + a];
                gradients.Bias[a] += g;
                for (int c = 0; c < d; c++)
                {
                    gradients.Weight[(a * d) + c] += g * state.LinearOutput[(t * d) + c];
                    linearGradient[(t * d) + c] += g * w[(a * d) + c];
                }
            }
        }

        state.SparseBackward(outputGradient, gradients);
        state.LinearBackward(linearGradient, gradients);
        return gradients;
    }

    /// <summary>Everything the forward computes, kept for the backward.</summary>
    private sealed class State
    {
        private readonly SlaHead _head;
        private readonly SlaBlockMask _mask;
        private readonly SlaOptions _options;
        private readonly int _n;
        private readonly int _d;
        private readonly int _blocks;
        private readonly double _scale;
        private readonly double[] _queryFeatures;   // φ(q_t), [N, D]
        private readonly double[] _keyFeatures;     // φ(k_s), [N, D]
        private readonly double[] _blockStates;     // H_i per query block, [blocks, D, D]
        private readonly double[] _blockSums;       // Z_i per query block, [blocks, D]
        private readonly double[] _denominators;    // φ(q_t)·Z_i (+ ε), 0 where the row's linear branch is off, [N]

        public State(SlaHead head, SlaBlockMask mask, SlaProjection projection, SlaOptions options)
        {
            ArgumentNullException.ThrowIfNull(head);
            ArgumentNullException.ThrowIfNull(mask);
            ArgumentNullException.ThrowIfNull(projection);
            ArgumentNullException.ThrowIfNull(options);
            options.Validate();
            if (mask.QueryBlocks != head.Blocks || mask.KeyBlocks != head.Blocks)
            {
                throw new ArgumentException($"the mask has {mask.QueryBlocks} x {mask.KeyBlocks} blocks; the head needs {head.Blocks} x {head.Blocks}", nameof(mask));
            }

            if (options.Causal)
            {
                RequireCausal(mask);
            }

            if (projection.HeadDim != head.HeadDim)
            {
                throw new ArgumentException($"the projection is {projection.HeadDim} x {projection.HeadDim}; the head dimension is {head.HeadDim}", nameof(projection));
            }

            _head = head;
            _mask = mask;
            _options = options;
            _n = head.SequenceLength;
            _d = head.HeadDim;
            _blocks = head.Blocks;
            _scale = options.ScaleFor(_d);
            SparseOutput = new double[_n * _d];
            LinearOutput = new double[_n * _d];
            LogSumExp = new double[_n];
            _queryFeatures = Features(head.Q.Span);
            _keyFeatures = Features(head.K.Span);
            _blockStates = new double[_blocks * _d * _d];
            _blockSums = new double[_blocks * _d];
            _denominators = new double[_n];
            SparseForward();
            LinearForward();
        }

        public double[] SparseOutput { get; }

        public double[] LinearOutput { get; }

        public double[] LogSumExp { get; }

        /// <summary>A causal mask visits no block past the diagonal, and its diagonal block is not marginal (the linear branch would sum the block's future keys).</summary>
        private static void RequireCausal(SlaBlockMask mask)
        {
            for (int row = 0; row < mask.QueryBlocks; row++)
            {
                if (mask[row, row] == SlaBlockClass.Marginal)
                {
                    throw new ArgumentException($"causal SLA: row {row}'s diagonal block is marginal; it must be critical or negligible", nameof(mask));
                }

                for (int column = row + 1; column < mask.KeyBlocks; column++)
                {
                    if (mask[row, column] != SlaBlockClass.Negligible)
                    {
                        throw new ArgumentException($"causal SLA: block ({row}, {column}) lies past the diagonal and is {mask[row, column]}; it must be negligible", nameof(mask));
                    }
                }
            }
        }

        private bool InLinearBranch(int queryBlock, int keyBlock) =>
            _options.LinearBranch == SlaLinearBranch.AllKeys || _mask[queryBlock, keyBlock] == SlaBlockClass.Marginal;

        private double[] Features(ReadOnlySpan<double> matrix)
        {
            var features = new double[_n * _d];
            for (int t = 0; t < _n; t++)
            {
                SlaFeatureMaps.Apply(_options.FeatureMap, matrix.Slice(t * _d, _d), features.AsSpan(t * _d, _d));
            }

            return features;
        }

        private static (int First, int End) Tokens(int block, int n) =>
            (block * SlaOptions.BlockSize, Math.Min(n, (block + 1) * SlaOptions.BlockSize));

        /// <summary>Scaled scores of query row t against every key of its critical blocks, causally s ≤ t when asked (others −∞).</summary>
        private void Scores(int t, Span<double> scores)
        {
            ReadOnlySpan<double> q = _head.Q.Span;
            ReadOnlySpan<double> k = _head.K.Span;
            int queryBlock = t / SlaOptions.BlockSize;
            scores.Fill(double.NegativeInfinity);
            for (int keyBlock = 0; keyBlock < _blocks; keyBlock++)
            {
                if (_mask[queryBlock, keyBlock] != SlaBlockClass.Critical)
                {
                    continue;
                }

                (int first, int end) = Tokens(keyBlock, _n);
                end = _options.Causal ? Math.Min(end, t + 1) : end;
                for (int s = first; s < end; s++)
                {
                    double dot = 0;
                    for (int c = 0; c < _d; c++)
                    {
                        dot += q[(t * _d) + c] * k[(s * _d) + c];
                    }

                    scores[s] = _scale * dot;
                }
            }
        }

        private void SparseForward()
        {
            ReadOnlySpan<double> v = _head.V.Span;
            var scores = new double[_n];
            for (int t = 0; t < _n; t++)
            {
                Scores(t, scores);
                LogSumExp[t] = DecodeProblem.Softmax(scores);  // weights in place; masked keys weigh 0
                for (int s = 0; s < _n; s++)
                {
                    if (scores[s] == 0)
                    {
                        continue;
                    }

                    for (int c = 0; c < _d; c++)
                    {
                        SparseOutput[(t * _d) + c] += scores[s] * v[(s * _d) + c];
                    }
                }
            }
        }

        private void LinearForward()
        {
            ReadOnlySpan<double> v = _head.V.Span;
            // Per key block: h_j = φ(K_j)ᵀ V_j and z_j = Σ φ(K_j).
            var keyStates = new double[_blocks * _d * _d];
            var keySums = new double[_blocks * _d];
            for (int keyBlock = 0; keyBlock < _blocks; keyBlock++)
            {
                (int first, int end) = Tokens(keyBlock, _n);
                for (int s = first; s < end; s++)
                {
                    for (int a = 0; a < _d; a++)
                    {
                        double feature = _keyFeatures[(s * _d) + a];
                        keySums[(keyBlock * _d) + a] += feature;
                        for (int c = 0; c < _d; c++)
                        {
                            keyStates[(((keyBlock * _d) + a) * _d) + c] += feature * v[(s * _d) + c];
                        }
                    }
                }
            }

            for (int queryBlock = 0; queryBlock < _blocks; queryBlock++)
            {
                bool any = false;
                for (int keyBlock = 0; keyBlock < _blocks; keyBlock++)
                {
                    if (!InLinearBranch(queryBlock, keyBlock))
                    {
                        continue;
                    }

                    any = true;
                    for (int i = 0; i < _d * _d; i++)
                    {
                        _blockStates[(queryBlock * _d * _d) + i] += keyStates[(keyBlock * _d * _d) + i];
                    }

                    for (int a = 0; a < _d; a++)
                    {
                        _blockSums[(queryBlock * _d) + a] += keySums[(keyBlock * _d) + a];
                    }
                }

                (int first, int end) = Tokens(queryBlock, _n);
                for (int t = first; t < end; t++)
                {
                    double denominator = 0;
                    for (int a = 0; a < _d; a++)
                    {
                        denominator += _queryFeatures[(t * _d) + a] * _blockSums[(queryBlock * _d) + a];
                    }

                    if (_options.LinearBranch == SlaLinearBranch.AllKeys)
                    {
                        denominator += SlaOptions.AllKeysEpsilon;
                    }
                    else if (!any || denominator <= 0)
                    {
                        continue;  // no marginal key (or φ(q)·Z = 0): O_l = 0 and no gradient
                    }

                    _denominators[t] = denominator;
                    for (int c = 0; c < _d; c++)
                    {
                        double numerator = 0;
                        for (int a = 0; a < _d; a++)
                        {
                            numerator += _queryFeatures[(t * _d) + a] * _blockStates[(((queryBlock * _d) + a) * _d) + c];
                        }

                        LinearOutput[(t * _d) + c] = numerator / denominator;
                    }
                }
            }
        }

        /// <summary>FlashAttention's backward over the critical entries: D_t = dO_t·O_s,t, dS = P ⊙ (dP − D).</summary>
        public void SparseBackward(ReadOnlySpan<double> outputGradient, SlaReferenceGradients gradients)
        {
            ReadOnlySpan<double> q = _head.Q.Span;
            ReadOnlySpan<double> k = _head.K.Span;
            ReadOnlySpan<double> v = _head.V.Span;
            var scores = new double[_n];
            for (int t = 0; t < _n; t++)
            {
                Scores(t, scores);
                double delta = 0;
                for (int c = 0; c < _d; c++)
                {
                    delta += outputGradient[(t * _d) + c] * SparseOutput[(t * _d) + c];
                }

                for (int s = 0; s < _n; s++)
                {
                    if (double.IsNegativeInfinity(scores[s]))
                    {
                        continue;
                    }

                    double probability = Math.Exp(scores[s] - LogSumExp[t]);
                    double probabilityGradient = 0;
                    for (int c = 0; c < _d; c++)
                    {
                        probabilityGradient += outputGradient[(t * _d) + c] * v[(s * _d) + c];
                        gradients.Value[(s * _d) + c] += probability * outputGradient[(t * _d) + c];
                    }

                    double scoreGradient = probability * (probabilityGradient - delta) * _scale;
                    for (int c = 0; c < _d; c++)
                    {
                        gradients.Query[(t * _d) + c] += scoreGradient * k[(s * _d) + c];
                        gradients.Key[(s * _d) + c] += scoreGradient * q[(t * _d) + c];
                    }
                }
            }
        }

        /// <summary>
        /// The linear branch's backward for dO_l: per row dnum = g / den, dden = −g·O_l / den, so
        /// dφ(q) = H·dnum + Z·dden, dH_i += φ(q)·dnumᵀ, dZ_i += φ(q)·dden; each key block then takes the
        /// dH and dZ of the query blocks that summed it: dφ(k_s) = dH·v_s + dZ, dv_s += dHᵀ·φ(k_s);
        /// and both through φ.
        /// </summary>
        public void LinearBackward(ReadOnlySpan<double> linearGradient, SlaReferenceGradients gradients)
        {
            ReadOnlySpan<double> q = _head.Q.Span;
            ReadOnlySpan<double> k = _head.K.Span;
            ReadOnlySpan<double> v = _head.V.Span;
            var stateGradients = new double[_blocks * _d * _d];
            var sumGradients = new double[_blocks * _d];
            var numeratorGradient = new double[_d];
            var featureGradient = new double[_d];
            for (int t = 0; t < _n; t++)
            {
                if (_denominators[t] == 0)
                {
                    continue;
                }

                int queryBlock = t / SlaOptions.BlockSize;
                double denominatorGradient = 0;
                for (int c = 0; c < _d; c++)
                {
                    numeratorGradient[c] = linearGradient[(t * _d) + c] / _denominators[t];
                    denominatorGradient -= linearGradient[(t * _d) + c] * LinearOutput[(t * _d) + c] / _denominators[t];
                }

                for (int a = 0; a < _d; a++)
                {
                    double feature = _queryFeatures[(t * _d) + a];
                    double gradient = _blockSums[(queryBlock * _d) + a] * denominatorGradient;
                    for (int c = 0; c < _d; c++)
                    {
                        gradient += _blockStates[(((queryBlock * _d) + a) * _d) + c] * numeratorGradient[c];
                        stateGradients[(((queryBlock * _d) + a) * _d) + c] += feature * numeratorGradient[c];
                    }

                    featureGradient[a] = gradient;
                    sumGradients[(queryBlock * _d) + a] += feature * denominatorGradient;
                }

                SlaFeatureMaps.AddBackward(_options.FeatureMap, q.Slice(t * _d, _d), _queryFeatures.AsSpan(t * _d, _d), featureGradient, gradients.Query.AsSpan(t * _d, _d));
            }

            var keyStateGradient = new double[_d * _d];
            var keySumGradient = new double[_d];
            for (int keyBlock = 0; keyBlock < _blocks; keyBlock++)
            {
                Array.Clear(keyStateGradient);
                Array.Clear(keySumGradient);
                for (int queryBlock = 0; queryBlock < _blocks; queryBlock++)
                {
                    if (!InLinearBranch(queryBlock, keyBlock))
                    {
                        continue;
                    }

                    for (int i = 0; i < _d * _d; i++)
                    {
                        keyStateGradient[i] += stateGradients[(queryBlock * _d * _d) + i];
                    }

                    for (int a = 0; a < _d; a++)
                    {
                        keySumGradient[a] += sumGradients[(queryBlock * _d) + a];
                    }
                }

                (int first, int end) = Tokens(keyBlock, _n);
                for (int s = first; s < end; s++)
                {
                    for (int a = 0; a < _d; a++)
                    {
                        double gradient = keySumGradient[a];
                        double feature = _keyFeatures[(s * _d) + a];
                        for (int c = 0; c < _d; c++)
                        {
                            gradient += keyStateGradient[(a * _d) + c] * v[(s * _d) + c];
                            gradients.Value[(s * _d) + c] += feature * keyStateGradient[(a * _d) + c];
                        }

                        featureGradient[a] = gradient;
                    }

                    SlaFeatureMaps.AddBackward(_options.FeatureMap, k.Slice(s * _d, _d), _keyFeatures.AsSpan(s * _d, _d), featureGradient, gradients.Key.AsSpan(s * _d, _d));
                }
            }
        }
    }
}
