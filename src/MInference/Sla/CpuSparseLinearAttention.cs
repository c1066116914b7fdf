namespace MInference.Sla;

/// <summary>
/// The CPU backend of sparse-linear attention over [batch, heads, N, D] float tensors with any
/// strides (BHSD, BSHD, ...): each (batch, head) through <see cref="SlaBlockMask.Predict"/> and
/// <see cref="SlaReference"/> in double, in parallel across (batch, head); one projection shared by
/// every head, as SLA's module has. Self-attention: Q, K and V share their shape.
/// </summary>
public static class CpuSparseLinearAttention
{
    /// <summary>Predicts each head's mask, writes O = O_s + Proj(O_l) and returns what the backward needs.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, H, N, D].</param>
    /// <param name="v">Values, [B, H, N, D].</param>
    /// <param name="projection">Proj, D × D.</param>
    /// <param name="options">k_h, k_l, φ, semantics, smooth-K, scale.</param>
    /// <param name="output">Written: [B, H, N, D]; must not overlap the inputs.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, are not rank 4, the output overlaps an input, or the projection's D differs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SlaSavedState Forward(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, SlaProjection projection, SlaOptions options, HostTensor output)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (int batch, int heads, int n, int d) = RequireShape(q, k, v, output, nameof(output));
        RequireProjection(projection, d);
        var masks = new SlaBlockMask[batch * heads];
        Parallel.For(0, batch * heads, index =>
        {
            SlaHead head = Gather(q, k, v, index / heads, index % heads, n, d);
            masks[index] = SlaBlockMask.Predict(head, options);
            Scatter(SlaReference.Forward(head, masks[index], projection, options).Output, output, index / heads, index % heads, n, d);
        });
        return new SlaSavedState(q, k, v, projection, options, masks);
    }

    /// <summary>dQ, dK and dV for the output gradient, and the projection's gradients summed over every head.</summary>
    /// <param name="state">The forward's saved state (its operands unchanged since).</param>
    /// <param name="outputGradient">dO, [B, H, N, D].</param>
    /// <param name="queryGradient">Written: dQ, [B, H, N, D].</param>
    /// <param name="keyGradient">Written: dK, [B, H, N, D].</param>
    /// <param name="valueGradient">Written: dV, [B, H, N, D].</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A shape differs from the forward's, or a gradient overlaps an input or another gradient.</exception>
    public static SlaParameterGradients Backward(
        SlaSavedState state, ReadOnlyHostTensor outputGradient, HostTensor queryGradient, HostTensor keyGradient, HostTensor valueGradient)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(outputGradient);
        (int batch, int heads, int n, int d) = RequireShape(state.Q, state.K, state.V, queryGradient, nameof(queryGradient));
        RequireSameShape(outputGradient.Layout, state.Q.Layout, nameof(outputGradient));
        RequireShape(state.Q, state.K, state.V, keyGradient, nameof(keyGradient));
        RequireShape(state.Q, state.K, state.V, valueGradient, nameof(valueGradient));
        if (queryGradient.Data.Span.Overlaps(keyGradient.Data.Span) || queryGradient.Data.Span.Overlaps(valueGradient.Data.Span) || keyGradient.Data.Span.Overlaps(valueGradient.Data.Span))
        {
            throw new ArgumentException("dQ, dK and dV must not overlap each other", nameof(queryGradient));
        }

        var perHead = new SlaReferenceGradients[batch * heads];
        Parallel.For(0, batch * heads, index =>
        {
            int b = index / heads;
            int h = index % heads;
            SlaHead head = Gather(state.Q, state.K, state.V, b, h, n, d);
            double[] gradient = Gather(outputGradient, b, h, n, d);
            perHead[index] = SlaReference.Backward(head, state.Masks[index], state.Projection, state.Options, gradient);
            Scatter(perHead[index].Query, queryGradient, b, h, n, d);
            Scatter(perHead[index].Key, keyGradient, b, h, n, d);
            Scatter(perHead[index].Value, valueGradient, b, h, n, d);
        });

        // Summed in (batch, head) order, so the result does not depend on the thread schedule.
        var weight = new double[d * d];
        var bias = new double[d];
        foreach (SlaReferenceGradients gradients in perHead)
        {
            for (int i = 0; i < weight.Length; i++)
            {
                weight[i] += gradients.Weight[i];
            }

            for (int i = 0; i < d; i++)
            {
                bias[i] += gradients.Bias[i];
            }
        }

        return new SlaParameterGradients(weight, bias);
    }

    private static (int Batch, int Heads, int N, int D) RequireShape(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, HostTensor written, string writtenName)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(written, writtenName);
        if (q.Layout.Rank != 4)
        {
            throw new ArgumentException($"q is {q.Layout}; expected rank 4 [batch, heads, N, head_dim]", nameof(q));
        }

        RequireSameShape(k.Layout, q.Layout, nameof(k));
        RequireSameShape(v.Layout, q.Layout, nameof(v));
        RequireSameShape(written.Layout, q.Layout, writtenName);
        Span<float> target = written.Data.Span;
        if (target.Overlaps(q.Data.Span) || target.Overlaps(k.Data.Span) || target.Overlaps(v.Data.Span))
        {
            throw new ArgumentException($"{writtenName} must not overlap q, k or v", writtenName);
        }

        if (!written.Layout.HasDistinctElementOffsets)
        {
            throw new ArgumentException($"{writtenName} has elements that share memory ({written.Layout})", writtenName);
        }

        ReadOnlySpan<nint> lengths = q.Layout.Lengths;
        if (lengths[0] < 1 || lengths[1] < 1 || lengths[2] < 1 || lengths[3] < 1 || lengths[2] > int.MaxValue / lengths[3])
        {
            throw new ArgumentException($"q is {q.Layout}; every length must be positive and N · D below 2^31", nameof(q));
        }

        return ((int)lengths[0], (int)lengths[1], (int)lengths[2], (int)lengths[3]);
    }

    private static void RequireSameShape(TensorLayout layout, TensorLayout expected, string name)
    {
        if (!layout.Lengths.SequenceEqual(expected.Lengths))
        {
            throw new ArgumentException($"{name} is [{string.Join(", ", layout.Lengths.ToArray())}]; expected q's shape [{string.Join(", ", expected.Lengths.ToArray())}]", name);
        }
    }

    private static void RequireProjection(SlaProjection projection, int d)
    {
        if (projection.HeadDim != d)
        {
            throw new ArgumentException($"the projection is {projection.HeadDim} x {projection.HeadDim}; the head dimension is {d}", nameof(projection));
        }
    }

    private static SlaHead Gather(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int b, int h, int n, int d) =>
        new(Gather(q, b, h, n, d), Gather(k, b, h, n, d), Gather(v, b, h, n, d), n, d);

    private static double[] Gather(ReadOnlyHostTensor tensor, int b, int h, int n, int d)
    {
        var values = new double[n * d];
        ReadOnlySpan<float> data = tensor.Data.Span;
        for (int t = 0; t < n; t++)
        {
            for (int c = 0; c < d; c++)
            {
                values[(t * d) + c] = data[(int)tensor.Layout.GetOffset(b, h, t, c)];
            }
        }

        return values;
    }

    private static void Scatter(double[] values, HostTensor tensor, int b, int h, int n, int d)
    {
        Span<float> data = tensor.Data.Span;
        for (int t = 0; t < n; t++)
        {
            for (int c = 0; c < d; c++)
            {
                data[(int)tensor.Layout.GetOffset(b, h, t, c)] = (float)values[(t * d) + c];
            }
        }
    }
}
