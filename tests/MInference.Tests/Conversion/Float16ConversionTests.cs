namespace MInference.Tests.Conversion;

public sealed class Float16ConversionTests
{
    [TestCase(1.0f, (ushort)0x3C00)]
    [TestCase(-2.0f, (ushort)0xC000)]
    [TestCase(-0.0f, (ushort)0x8000)]
    [TestCase(65504f, (ushort)0x7BFF, Description = "largest finite")]
    [TestCase(0.099975586f, (ushort)0x2E66)]
    public void ExactValuesConvertExactly(float value, ushort expectedBits)
    {
        Assert.That(HalfPrecision.ToFloat16(value), Is.EqualTo(expectedBits));
        Assert.That(HalfPrecision.FromFloat16(expectedBits), Is.EqualTo(value));
    }

    // binary16 has 10 mantissa bits: near 1 its ulp is 2^-10, so 1 + 2^-11 is a tie.
    [TestCase(1f + (1f / 2048), (ushort)0x3C00, Description = "tie between 1 and 1 + 2^-10: 1 is even")]
    [TestCase(1f + (3f / 2048), (ushort)0x3C02, Description = "tie between 0x3C01 and 0x3C02: 0x3C02 is even")]
    [TestCase(65519f, (ushort)0x7BFF, Description = "below the tie with 65536 stays finite")]
    [TestCase(65520f, (ushort)0x7C00, Description = "tie between 65504 (odd) and 65536: overflows to infinity")]
    public void RoundsToNearestEven(float value, ushort expectedBits) =>
        Assert.That(HalfPrecision.ToFloat16(value), Is.EqualTo(expectedBits));

    [TestCase(5.9604645e-8f, (ushort)0x0001, Description = "2^-24, smallest subnormal")]
    [TestCase(2.9802322e-8f, (ushort)0x0000, Description = "2^-25: tie between 0 and 2^-24, 0 is even")]
    [TestCase(8.940697e-8f, (ushort)0x0002, Description = "3 * 2^-25: tie between subnormals 1 and 2, 2 is even")]
    [TestCase(6.097555e-5f, (ushort)0x03FF, Description = "largest subnormal")]
    public void Subnormals(float value, ushort expectedBits) =>
        Assert.That(HalfPrecision.ToFloat16(value), Is.EqualTo(expectedBits));

    [Test]
    public void NaNAndInfinities()
    {
        Assert.Multiple(() =>
        {
            Assert.That(float.IsNaN(HalfPrecision.FromFloat16(HalfPrecision.ToFloat16(float.NaN))));
            Assert.That(float.IsNaN(HalfPrecision.FromFloat16(HalfPrecision.ToFloat16(BitConverter.UInt32BitsToSingle(0x7F800001)))), "payload only in discarded bits");
            Assert.That(HalfPrecision.ToFloat16(float.PositiveInfinity), Is.EqualTo((ushort)0x7C00));
            Assert.That(HalfPrecision.ToFloat16(float.NegativeInfinity), Is.EqualTo((ushort)0xFC00));
            Assert.That(HalfPrecision.ToFloat16(1e10f), Is.EqualTo((ushort)0x7C00), "overflow");
        });
    }

    [Test]
    public void EveryFloat16RoundTripsThroughFloat()
    {
        var mismatches = new List<string>();
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            float widened = HalfPrecision.FromFloat16((ushort)bits);
            ushort back = HalfPrecision.ToFloat16(widened);
            bool nanPreserved = float.IsNaN(widened) && float.IsNaN(HalfPrecision.FromFloat16(back));
            if (back != bits && !nanPreserved)
            {
                mismatches.Add($"0x{bits:X4} -> {widened} -> 0x{back:X4}");
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    [TestCase(DType.Float16)]
    [TestCase(DType.BFloat16)]
    public void EncodeAndDecodeDispatchOnDType(DType dtype)
    {
        float[] source = [0.1f, -3.75f, 1000.5f];
        var bits = new ushort[3];
        var back = new float[3];
        HalfPrecision.Encode(source, bits, dtype);
        HalfPrecision.Decode(bits, back, dtype);
        Func<float, ushort> narrow = dtype == DType.Float16 ? HalfPrecision.ToFloat16 : HalfPrecision.ToBFloat16;
        Func<ushort, float> widen = dtype == DType.Float16 ? HalfPrecision.FromFloat16 : HalfPrecision.FromBFloat16;
        Assert.Multiple(() =>
        {
            Assert.That(bits, Is.EqualTo(source.Select(narrow).ToArray()));
            Assert.That(back, Is.EqualTo(bits.Select(widen).ToArray()));
        });
    }

    [Test]
    public void Float32IsNotA16BitEncoding() =>
        Assert.That(() => HalfPrecision.Encode(new float[1], new ushort[1], DType.Float32), Throws.ArgumentException.With.Property("ParamName").EqualTo("dtype"));
}
