namespace MInference.Multimodal;

/// <summary>
/// The layout of a video segment's tokens: <see cref="Frames"/> frames of <see cref="Height"/> ×
/// <see cref="Width"/> patches, frame-major then row-major (token t of the segment is frame
/// t / (H·W), row (t mod H·W) / W, column t mod W). Its grid strides are the frame
/// (<see cref="TokensPerFrame"/>: the same patch one frame earlier) and the row (<see cref="Width"/>:
/// the patch above).
/// </summary>
/// <param name="Frames">Frames, ≥ 1.</param>
/// <param name="Height">Patch rows per frame, ≥ 1.</param>
/// <param name="Width">Patches per row, ≥ 1.</param>
public sealed record VideoGeometry(int Frames, int Height, int Width)
{
    /// <summary>Tokens of one frame, Height · Width.</summary>
    public int TokensPerFrame => Height * Width;

    /// <summary>Tokens of the segment, Frames · Height · Width.</summary>
    public long Tokens => (long)Frames * Height * Width;

    /// <summary>Throws when a size is under 1.</summary>
    internal void Validate(string paramName)
    {
        if (Frames < 1 || Height < 1 || Width < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, $"video geometry {Frames} frames × {Height} × {Width}; expected every size >= 1");
        }
    }
}
