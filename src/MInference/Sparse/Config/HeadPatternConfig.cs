using System.Text;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Config;

/// <summary>
/// The pattern of every query head of every layer, as in MInference's "best pattern" files (read and
/// written unchanged): a JSON array with one object per layer, each mapping the head index as a
/// decimal string ("0".."H-1") to <c>[pattern_name, a, b, score]</c>. For
/// <c>"vertical_and_slash"</c> a and b are vertical_size and slash_size, for <c>"stream_llm"</c>
/// n_init and n_local, for <c>"block_sparse"</c> a is the top-k block count (b unused), for
/// <c>"dense"</c> neither is used; the score is informational. Immutable.
/// </summary>
public sealed class HeadPatternConfig
{
    private readonly HeadPatternEntry[][] _layers;

    /// <summary>Creates a configuration from entries, layer by layer, each layer indexed by head (e.g. the result of a pattern search).</summary>
    /// <param name="layers">At least one layer; every layer has the same number (&gt;= 1) of entries, none null.</param>
    /// <exception cref="ArgumentException">There are no layers, a layer is empty, null or of a different length, or an entry is null.</exception>
    public HeadPatternConfig(IReadOnlyList<IReadOnlyList<HeadPatternEntry>> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("expected at least one layer, got none", nameof(layers));
        }

        _layers = new HeadPatternEntry[layers.Count][];
        for (int layer = 0; layer < layers.Count; layer++)
        {
            IReadOnlyList<HeadPatternEntry> heads = layers[layer]
                ?? throw new ArgumentException($"layers[{layer}] is null; expected a list of head entries", nameof(layers));
            if (heads.Count == 0 || heads.Count != layers[0].Count)
            {
                throw new ArgumentException(
                    $"layers[{layer}] has {heads.Count} heads; expected {(layer == 0 ? "at least 1" : $"{layers[0].Count}, as layers[0]")}", nameof(layers));
            }

            _layers[layer] = new HeadPatternEntry[heads.Count];
            for (int head = 0; head < heads.Count; head++)
            {
                _layers[layer][head] = heads[head] ?? throw new ArgumentException($"layers[{layer}][{head}] is null; expected an entry", nameof(layers));
            }
        }
    }

    /// <summary>Number of layers.</summary>
    public int LayerCount => _layers.Length;

    /// <summary>Number of query heads per layer.</summary>
    public int HeadCount => _layers[0].Length;

    /// <summary>The entry of one head of one layer.</summary>
    /// <param name="layer">In [0, <see cref="LayerCount"/>).</param>
    /// <param name="head">In [0, <see cref="HeadCount"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public HeadPatternEntry this[int layer, int head]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(head);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, HeadCount);
            return RequireLayer(layer)[head];
        }
    }

    /// <summary>Reads and validates a pattern file; messages name the file as <paramref name="path"/> reads.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedLayerCount">The model's layer count: the file must have exactly this many layers.</param>
    /// <param name="expectedHeadCount">The model's query-head count: every layer must list each head exactly once.</param>
    /// <exception cref="PatternConfigException">The file is malformed JSON, or does not describe a valid pattern for every head of every layer.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An expected count is &lt; 1.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static HeadPatternConfig Load(string path, int expectedLayerCount, int expectedHeadCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        return Load(stream, path, expectedLayerCount, expectedHeadCount);
    }

    /// <summary>Reads and validates a pattern file from a stream (UTF-8).</summary>
    /// <param name="stream">The file's content, read to its end; not disposed.</param>
    /// <param name="sourceName">The name error messages start with, e.g. the file name.</param>
    /// <param name="expectedLayerCount">The model's layer count.</param>
    /// <param name="expectedHeadCount">The model's query-head count.</param>
    /// <exception cref="PatternConfigException">As for <see cref="Load(string, int, int)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An expected count is &lt; 1.</exception>
    public static HeadPatternConfig Load(Stream stream, string sourceName, int expectedLayerCount, int expectedHeadCount)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new PatternConfigReader(sourceName, expectedLayerCount, expectedHeadCount).Read(stream);
    }

    /// <summary>Parses and validates the text of a pattern file.</summary>
    /// <param name="json">The file's content.</param>
    /// <param name="sourceName">The name error messages start with, e.g. the file name.</param>
    /// <param name="expectedLayerCount">The model's layer count.</param>
    /// <param name="expectedHeadCount">The model's query-head count.</param>
    /// <exception cref="PatternConfigException">As for <see cref="Load(string, int, int)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An expected count is &lt; 1.</exception>
    public static HeadPatternConfig Parse(string json, string sourceName, int expectedLayerCount, int expectedHeadCount)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new PatternConfigReader(sourceName, expectedLayerCount, expectedHeadCount).Read(json);
    }

    /// <summary>The entries of one layer, indexed by head.</summary>
    /// <param name="layer">In [0, <see cref="LayerCount"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is out of range.</exception>
    public IReadOnlyList<HeadPatternEntry> GetLayer(int layer) => Array.AsReadOnly(RequireLayer(layer));

    /// <summary>
    /// The heads of one layer grouped by distinct pattern (scores do not matter): one group per
    /// kernel launch. Groups are ordered by their first head; heads within a group ascend.
    /// </summary>
    /// <param name="layer">In [0, <see cref="LayerCount"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is out of range.</exception>
    public IReadOnlyList<PatternHeadGroup> GroupHeadsByPattern(int layer) =>
        PatternGrouping.Group(RequireLayer(layer).Select(entry => entry.Pattern).ToArray());

    /// <summary>
    /// The file's text: the format <see cref="Load(string, int, int)"/> reads, one head per line,
    /// layers in order and heads in ascending order, so equal configurations give equal text.
    /// </summary>
    /// <param name="format">
    /// <see cref="PatternConfigFormat.Extended"/> (dense heads written <c>"dense"</c>) or
    /// <see cref="PatternConfigFormat.MInference"/> (dense heads written
    /// <c>["vertical_and_slash", L, L, score]</c>, which MInference's own loader reads).
    /// </param>
    /// <param name="denseCoverLength">
    /// L, required by <see cref="PatternConfigFormat.MInference"/>: the sample length the config was
    /// searched on. Such a head is dense for prompts up to L tokens only. Checked whenever given,
    /// unused by <see cref="PatternConfigFormat.Extended"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format, or <paramref name="denseCoverLength"/> is outside [1, <see cref="HeadPattern.MaxSize"/>].</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is <see cref="PatternConfigFormat.MInference"/> and <paramref name="denseCoverLength"/> is null, or a head has a grid or boundary pattern (MMInference's, which MInference's loader cannot read).</exception>
    public string ToJson(PatternConfigFormat format = PatternConfigFormat.Extended, int? denseCoverLength = null)
    {
        VerticalSlashPattern? denseAs = DenseReplacement(format, denseCoverLength);
        if (format == PatternConfigFormat.MInference &&
            _layers.SelectMany(layer => layer).FirstOrDefault(entry => entry.Pattern is Multimodal.GridPattern or Multimodal.BoundaryPattern) is { } multimodal)
        {
            throw new ArgumentException($"{multimodal.Pattern} is an MMInference pattern, which MInference's loader cannot read; write the extended format", nameof(format));
        }

        return PatternConfigWriter.Write(_layers, denseAs);
    }

    /// <summary>Writes <see cref="ToJson"/> to a file (UTF-8, no byte-order mark), replacing it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="format">As for <see cref="ToJson"/>.</param>
    /// <param name="denseCoverLength">As for <see cref="ToJson"/>.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="ArgumentException">As for <see cref="ToJson"/>; the file is then left untouched.</exception>
    public void Save(string path, PatternConfigFormat format = PatternConfigFormat.Extended, int? denseCoverLength = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Text first, so bad arguments throw before File.Create truncates the file.
        byte[] bytes = Encoding.UTF8.GetBytes(ToJson(format, denseCoverLength));
        using FileStream stream = File.Create(path);
        stream.Write(bytes);
    }

    /// <summary>Writes <see cref="ToJson"/> to a stream (UTF-8, no byte-order mark); the stream is not disposed.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="format">As for <see cref="ToJson"/>.</param>
    /// <param name="denseCoverLength">As for <see cref="ToJson"/>.</param>
    /// <exception cref="ArgumentException">As for <see cref="ToJson"/>; nothing is then written.</exception>
    public void Save(Stream stream, PatternConfigFormat format = PatternConfigFormat.Extended, int? denseCoverLength = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encoding.UTF8.GetBytes(ToJson(format, denseCoverLength)));
    }

    /// <summary>The pattern a dense head is written as: null to keep <c>"dense"</c>.</summary>
    private static VerticalSlashPattern? DenseReplacement(PatternConfigFormat format, int? denseCoverLength)
    {
        if (denseCoverLength is { } length && (length < 1 || length > HeadPattern.MaxSize))
        {
            throw new ArgumentOutOfRangeException(
                nameof(denseCoverLength), length, $"denseCoverLength = {length}; expected a length in [1, {HeadPattern.MaxSize}] (the sample length the config was searched on)");
        }

        return format switch
        {
            PatternConfigFormat.Extended => null,
            PatternConfigFormat.MInference => new VerticalSlashPattern(
                denseCoverLength ?? throw new ArgumentException(
                    "the MInference format writes dense heads as vertical_and_slash(L, L) and needs L; expected the sample length the config was searched on",
                    nameof(denseCoverLength)),
                denseCoverLength.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, $"format = {format}; expected {PatternConfigFormat.Extended} or {PatternConfigFormat.MInference}"),
        };
    }

    private HeadPatternEntry[] RequireLayer(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, LayerCount);
        return _layers[layer];
    }
}
