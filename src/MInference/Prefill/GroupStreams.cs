using System.Runtime.InteropServices;
using MInference.Interop;

namespace MInference.Prefill;

/// <summary>
/// The streams and events a plan runs its groups concurrently with, created once with the plan:
/// one stream per group, a fork event recorded on the context's stream, and per group an event after
/// its estimation (the dense launch waits for its routes) and one after its launch (the join).
/// </summary>
internal sealed class GroupStreams : IDisposable
{
    public GroupStreams(int groups)
    {
        Streams = new StreamHandle[groups];
        Routed = new EventHandle[groups];
        Done = new EventHandle[groups];
        try
        {
            MiStatus.ThrowIfFailed(MiNative.mi_event_create(out EventHandle fork));
            Fork = fork;
            for (int i = 0; i < groups; i++)
            {
                MiStatus.ThrowIfFailed(MiNative.mi_stream_create(out Streams[i]));
                MiStatus.ThrowIfFailed(MiNative.mi_event_create(out Routed[i]));
                MiStatus.ThrowIfFailed(MiNative.mi_event_create(out Done[i]));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public StreamHandle[] Streams { get; }

    public EventHandle Fork { get; } = null!; // assigned first in the constructor; null only if that failed

    public EventHandle[] Routed { get; }

    public EventHandle[] Done { get; }

    public void Dispose()
    {
        SafeHandle?[] handles = [Fork, .. Streams, .. Routed, .. Done];
        foreach (SafeHandle? handle in handles)
        {
            handle?.Dispose();
        }
    }
}
