namespace MInference;

/// <summary>Checks shared by <see cref="HostTensor"/> and <see cref="ReadOnlyHostTensor"/>.</summary>
internal static class HostTensorChecks
{
    public static void ThrowIfTooShort(int dataLength, TensorLayout layout, string parameterName)
    {
        if (dataLength < layout.RequiredElementCount)
        {
            throw new ArgumentException(
                $"layout {layout} reaches {layout.RequiredElementCount} elements but the memory holds {dataLength}", parameterName);
        }
    }
}
