namespace MInference.Tests.Conversion;

public sealed class BFloat16ConversionTests
{
    private static float FromBits(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    [TestCase(1.0f, (ushort)0x3F80)]
    [TestCase(-2.0f, (ushort)0xC000)]
    [TestCase(0.0f, (ushort)0x0000)]
    [TestCase(-0.0f, (ushort)0x8000)]
    [TestCase(0.15625f, (ushort)0x3E20)]
    public void ExactValuesConvertExactly(float value, ushort expectedBits)
    {
        Assert.That(HalfPrecision.ToBFloat16(value), Is.EqualTo(expectedBits));
        Assert.That(HalfPrecision.FromBFloat16(expectedBits), Is.EqualTo(value));
    }

    // Each float sits exactly halfway between two bfloat16 values (the discarded half is 0x8000):
    // the tie goes to the one with an even last bit.
    [TestCase(0x3F808000u, (ushort)0x3F80, Description = "1 + 2^-8: tie, 0x3F80 is even")]
    [TestCase(0x3F818000u, (ushort)0x3F82, Description = "tie between 0x3F81 and 0x3F82: 0x3F82 is even")]
    [TestCase(0xBF818000u, (ushort)0xBF82, Description = "negative tie rounds the magnitude the same way")]
    [TestCase(0x3F808001u, (ushort)0x3F81, Description = "just above half: up")]
    [TestCase(0x3F807FFFu, (ushort)0x3F80, Description = "just below half: down")]
    [TestCase(0x3FFF8000u, (ushort)0x4000, Description = "tie that carries into the exponent")]
    public void RoundsToNearestEven(uint floatBits, ushort expectedBits) =>
        Assert.That(HalfPrecision.ToBFloat16(FromBits(floatBits)), Is.EqualTo(expectedBits));

    [TestCase(0x7FC00000u, Description = "canonical quiet NaN")]
    [TestCase(0xFFC00000u, Description = "negative NaN")]
    [TestCase(0x7F800001u, Description = "NaN whose payload is only in the discarded bits")]
    [TestCase(0x7FBFFFFFu, Description = "signalling NaN that truncation would round to infinity")]
    public void NaNStaysNaN(uint floatBits)
    {
        ushort bits = HalfPrecision.ToBFloat16(FromBits(floatBits));
        Assert.Multiple(() =>
        {
            Assert.That(float.IsNaN(HalfPrecision.FromBFloat16(bits)), $"0x{floatBits:X8} became 0x{bits:X4}");
            Assert.That(bits >> 15, Is.EqualTo(floatBits >> 31), "sign kept");
        });
    }

    [Test]
    public void InfinitiesAndOverflow()
    {
        Assert.Multiple(() =>
        {
            Assert.That(HalfPrecision.ToBFloat16(float.PositiveInfinity), Is.EqualTo((ushort)0x7F80));
            Assert.That(HalfPrecision.ToBFloat16(float.NegativeInfinity), Is.EqualTo((ushort)0xFF80));
            Assert.That(HalfPrecision.ToBFloat16(float.MaxValue), Is.EqualTo((ushort)0x7F80), "past the largest bfloat16 plus half an ulp");
            Assert.That(HalfPrecision.ToBFloat16(FromBits(0x7F7F7FFF)), Is.EqualTo((ushort)0x7F7F), "largest finite bfloat16 stays finite");
        });
    }

    [TestCase(0x00000001u, (ushort)0x0000, Description = "smallest float subnormal rounds to zero")]
    [TestCase(0x00008000u, (ushort)0x0000, Description = "tie between 0 and the smallest bfloat16 subnormal: 0 is even")]
    [TestCase(0x00018000u, (ushort)0x0002, Description = "tie between subnormals 1 and 2: 2 is even")]
    [TestCase(0x00010000u, (ushort)0x0001, Description = "smallest bfloat16 subnormal is exact")]
    [TestCase(0x007F8000u, (ushort)0x0080, Description = "largest subnormals round up into the normal range")]
    public void Subnormals(uint floatBits, ushort expectedBits) =>
        Assert.That(HalfPrecision.ToBFloat16(FromBits(floatBits)), Is.EqualTo(expectedBits));

    [Test]
    public void EveryBFloat16RoundTripsThroughFloat()
    {
        var mismatches = new List<string>();
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            float widened = HalfPrecision.FromBFloat16((ushort)bits);
            ushort back = HalfPrecision.ToBFloat16(widened);
            bool nanPreserved = float.IsNaN(widened) && float.IsNaN(HalfPrecision.FromBFloat16(back));
            if (back != bits && !nanPreserved)
            {
                mismatches.Add($"0x{bits:X4} -> {widened} -> 0x{back:X4}");
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void SpanOverloadsConvertEveryElement()
    {
        float[] source = [1f, -2f, 0.15625f, float.PositiveInfinity, 3.1415927f];
        var bits = new ushort[source.Length + 1];
        var back = new float[source.Length];
        HalfPrecision.ToBFloat16(source, bits);
        HalfPrecision.FromBFloat16(bits.AsSpan(0, source.Length), back);
        Assert.Multiple(() =>
        {
            Assert.That(bits[..source.Length], Is.EqualTo(source.Select(HalfPrecision.ToBFloat16).ToArray()));
            Assert.That(bits[^1], Is.Zero, "nothing written past source.Length");
            Assert.That(back, Is.EqualTo(new[] { 1f, -2f, 0.15625f, float.PositiveInfinity, 3.140625f }));
        });
    }

    [Test]
    public void ShortDestinationIsRejected() =>
        Assert.That(() => HalfPrecision.ToBFloat16(new float[4], new ushort[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
}
