using MInference.Sla;

namespace MInference.Cli.Bench;

/// <summary>
/// What an SLA backward reads and writes besides the forward's tensors, for one
/// <see cref="AttentionProblem"/>: dO (filled with random values), dQ, dK, dV (contiguous BHSD) and
/// the projection's dW and db. Owns all of them.
/// </summary>
internal sealed class SlaGradientBuffers : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public SlaGradientBuffers(GpuContext context, AttentionProblem problem, Random random)
    {
        try
        {
            OutputGradient = Allocate(context, problem);
            DeviceAttentionBuffers.FillWithRandomValues(OutputGradient, random);
            Query = Allocate(context, problem);
            Key = Allocate(context, problem);
            Value = Allocate(context, problem);
            Projection = SlaDeviceProjectionGradients.Allocate(context, problem.HeadDim);
            _owned.Add(Projection);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>dO.</summary>
    public DeviceTensor OutputGradient { get; }

    /// <summary>dQ.</summary>
    public DeviceTensor Query { get; }

    /// <summary>dK.</summary>
    public DeviceTensor Key { get; }

    /// <summary>dV.</summary>
    public DeviceTensor Value { get; }

    /// <summary>dW and db.</summary>
    public SlaDeviceProjectionGradients Projection { get; }

    public void Dispose() => _owned.ForEach(owned => owned.Dispose());

    private DeviceTensor Allocate(GpuContext context, AttentionProblem problem)
    {
        var buffer = new DeviceBuffer(context, problem.QueryLayout.ElementCount * problem.DType.ElementSize);
        _owned.Add(buffer);
        return new DeviceTensor(buffer, problem.DType, problem.QueryLayout);
    }
}
