namespace MInference.Sla;

/// <summary>dQ, dK and dV of a GPU backward as validation sees them (identities and sizes, no device memory).</summary>
/// <param name="Query">dQ, written.</param>
/// <param name="Key">dK, written.</param>
/// <param name="Value">dV, written.</param>
internal readonly record struct SlaGradientOperands(DeviceOperand Query, DeviceOperand Key, DeviceOperand Value);
