namespace MInference.Decode;

/// <summary>One codebook to train: its sampled tokens ([count, head_dim] floats) and the seed of its k-means.</summary>
internal sealed record PqTrainingJob(float[] Tokens, int Seed);
