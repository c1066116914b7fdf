namespace MInference.IO;

/// <summary>
/// Checks that the tensors of a header tile the data buffer exactly, as the reference implementation
/// requires: sorted by offsets, each starts where the previous one ends, the first at 0 and the last
/// at the end of the buffer (no overlap, no hole, no trailing bytes).
/// </summary>
internal static class SafetensorsLayoutCheck
{
    private const string Expected = "expected the tensors back to back, covering the data buffer exactly as the reference implementation requires";

    /// <summary>The tensors sorted by (begin, end), ties in header order.</summary>
    /// <param name="path">The file's path, for messages.</param>
    /// <param name="tensors">The tensors in header order, each already inside the data buffer.</param>
    /// <param name="dataLength">Length in bytes of the data buffer.</param>
    /// <exception cref="SafetensorsFormatException">Two tensors overlap, bytes lie between two tensors or after the last.</exception>
    public static IReadOnlyList<SafetensorsTensorInfo> OrderAndCheckCoverage(string path, IEnumerable<SafetensorsTensorInfo> tensors, long dataLength)
    {
        SafetensorsTensorInfo[] ordered = tensors.OrderBy(tensor => tensor.DataBegin).ThenBy(tensor => tensor.DataEnd).ToArray();
        long covered = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (SafetensorsTensorInfo tensor in ordered)
        {
            string range = $"data_offsets [{tensor.DataBegin}, {tensor.DataEnd}]";
            if (tensor.DataBegin < covered)
            {
                throw new SafetensorsFormatException(path, tensor.Name,
                    $"{range} overlap tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd}]; {Expected}");
            }

            if (tensor.DataBegin > covered)
            {
                string where = previous is null
                    ? "at the start of the data buffer, before this tensor"
                    : $"between tensor '{previous.Name}' and this one";
                throw new SafetensorsFormatException(path, tensor.Name,
                    $"{range} leave a hole: bytes [{covered}, {tensor.DataBegin}) are unused {where}; {Expected}");
            }

            covered = tensor.DataEnd;
            previous = tensor;
        }

        if (covered < dataLength)
        {
            string what = previous is null ? "there are no tensors" : $"the tensors end at byte {covered}";
            throw new SafetensorsFormatException(path, null,
                $"the data buffer is {dataLength} bytes but {what}: {dataLength - covered} trailing byte(s) unused; {Expected}");
        }

        return Array.AsReadOnly(ordered);
    }
}
