using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_create")]
    internal static partial MiStatusCode mi_stream_create(out StreamHandle stream);

    /// <summary>The current device's stream priorities: <paramref name="least"/> (CUDA's default) and <paramref name="greatest"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_priority_range")]
    internal static partial MiStatusCode mi_stream_priority_range(out int least, out int greatest);

    /// <summary>A non-blocking stream with a priority in [greatest, least] of <see cref="mi_stream_priority_range"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_create_with_priority")]
    internal static partial MiStatusCode mi_stream_create_with_priority(int priority, out StreamHandle stream);

    [LibraryImport(LibraryName, EntryPoint = "mi_stream_synchronize")]
    internal static partial MiStatusCode mi_stream_synchronize(StreamHandle stream);

    /// <summary>0 is a no-op. Called only by <see cref="StreamHandle"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_destroy")]
    internal static partial MiStatusCode mi_stream_destroy(nint stream);

    /// <summary>Creates an event with timing enabled.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_event_create")]
    internal static partial MiStatusCode mi_event_create(out EventHandle @event);

    [LibraryImport(LibraryName, EntryPoint = "mi_event_record")]
    internal static partial MiStatusCode mi_event_record(EventHandle @event, StreamHandle stream);

    /// <summary>Makes later work on <paramref name="stream"/> wait for the last record of <paramref name="event"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_wait_event")]
    internal static partial MiStatusCode mi_stream_wait_event(StreamHandle stream, EventHandle @event);

    [LibraryImport(LibraryName, EntryPoint = "mi_event_synchronize")]
    internal static partial MiStatusCode mi_event_synchronize(EventHandle @event);

    /// <summary>Milliseconds between two recorded, completed events.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_event_elapsed_ms")]
    internal static partial MiStatusCode mi_event_elapsed_ms(EventHandle start, EventHandle stop, out float ms);

    /// <summary>0 is a no-op. Called only by <see cref="EventHandle"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_event_destroy")]
    internal static partial MiStatusCode mi_event_destroy(nint @event);
}
