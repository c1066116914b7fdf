namespace MInference.Multimodal;

/// <summary>What a prompt token is: text, or a patch of a video frame.</summary>
public enum Modality
{
    /// <summary>A text token.</summary>
    Text = 0,

    /// <summary>A video patch token.</summary>
    Video = 1,
}
