namespace MInference.IO;

/// <summary>A validated header: the tensors in data-offset order and the metadata.</summary>
internal sealed record SafetensorsHeader(IReadOnlyList<SafetensorsTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata);
