namespace MInference.Prefill;

/// <summary>What a finished run left on the device, for the report: the workspace (read at offsets) and the route codes.</summary>
internal sealed class PlanReadback(DeviceBuffer workspace, int[] routeCodes)
{
    /// <summary>The route code of (batch 0, <paramref name="head"/>); every batch element has the same.</summary>
    public int RouteCode(int head) => routeCodes[head];

    /// <summary>Copies <paramref name="count"/> values of type <typeparamref name="T"/> from a workspace region.</summary>
    public T[] Read<T>(long offset, long count)
        where T : unmanaged
    {
        var values = new T[count];
        if (count > 0)
        {
            workspace.CopyToHost<T>(values, offset);
        }

        return values;
    }
}
