using System.Runtime.InteropServices;
using System.Text;

namespace MInference.Interop;

/// <summary>Reads the NUL-terminated UTF-8 strings the library returns.</summary>
internal static unsafe class Utf8Text
{
    /// <summary>Copies the string at <paramref name="text"/>; a null pointer reads as "".</summary>
    public static string FromNullTerminated(byte* text) =>
        text is null ? string.Empty : Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text));
}
