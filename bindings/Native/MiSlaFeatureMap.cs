namespace MInference.Interop;

/// <summary><c>mi_sla_feature_map</c>: φ of SLA's linear branch.</summary>
internal enum MiSlaFeatureMap
{
    /// <summary><c>MI_SLA_SOFTMAX</c>: softmax over the head dimension.</summary>
    Softmax = 0,

    /// <summary><c>MI_SLA_ELU_PLUS_ONE</c>: elu(x) + 1.</summary>
    EluPlusOne = 1,

    /// <summary><c>MI_SLA_RELU</c>: max(x, 0).</summary>
    Relu = 2,
}
