using MInference.Multimodal;

namespace MInference.Cli.Run;

/// <summary>The modality map `run` and `search` read beside captured tensors.</summary>
internal static class CapturedModalities
{
    /// <summary>Loads the map and checks it covers the captured sequence.</summary>
    /// <exception cref="ModalityMapFormatException">The file is not a valid map.</exception>
    /// <exception cref="ArgumentException">The map's length is not the tensors' N.</exception>
    public static ModalityMap Load(string optionName, string path, int sequenceLength)
    {
        ModalityMap map = ModalityMapFile.Load(path);
        if (map.SequenceLength != sequenceLength)
        {
            throw new ArgumentException($"{optionName} {path} covers {map.SequenceLength} tokens; the captured tensors hold N = {sequenceLength}");
        }

        return map;
    }
}
