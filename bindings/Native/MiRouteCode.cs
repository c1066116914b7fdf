namespace MInference.Interop;

/// <summary><c>mi_route_code</c>: which launch of a layer computes a (batch, query head).</summary>
internal enum MiRouteCode
{
    /// <summary><c>MI_ROUTE_SPARSE</c>: the head's sparse pattern launch.</summary>
    Sparse = 0,

    /// <summary><c>MI_ROUTE_DENSE</c>: dense, decided before the run.</summary>
    Dense = 1,

    /// <summary><c>MI_ROUTE_DENSE_SLOWER</c>: dense, the estimated index was predicted slower.</summary>
    DenseSlower = 2,

    /// <summary><c>MI_ROUTE_DENSE_TOO_DENSE</c>: dense, the estimated index passed the density limit.</summary>
    DenseTooDense = 3,

    /// <summary><c>MI_ROUTE_DENSE_CAPACITY</c>: dense, the estimated index did not fit its capacity.</summary>
    DenseCapacity = 4,
}
