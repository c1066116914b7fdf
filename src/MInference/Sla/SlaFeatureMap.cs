namespace MInference.Sla;

/// <summary>The feature map φ of SLA's linear branch, applied to each query and key row.</summary>
public enum SlaFeatureMap
{
    /// <summary>Softmax over the head dimension (SLA's default, the best in its ablation).</summary>
    Softmax,

    /// <summary>elu(x) + 1: x + 1 for x &gt; 0, else eˣ.</summary>
    EluPlusOne,

    /// <summary>max(x, 0).</summary>
    Relu,
}
