namespace MInference.Tests.Gpu;

/// <summary>How a case's operands are laid out in memory (all are described in logical BHSD order).</summary>
public enum MemoryOrder
{
    /// <summary>[batch, heads, seq, head_dim], contiguous.</summary>
    Bhsd,

    /// <summary>[batch, seq, heads, head_dim], contiguous in that order.</summary>
    Bshd,
}
