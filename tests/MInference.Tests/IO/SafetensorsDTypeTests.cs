using MInference.IO;

namespace MInference.Tests.IO;

public sealed class SafetensorsDTypeTests
{
    [TestCase(SafetensorsDType.Float64, "F64", 8)]
    [TestCase(SafetensorsDType.Float32, "F32", 4)]
    [TestCase(SafetensorsDType.Float16, "F16", 2)]
    [TestCase(SafetensorsDType.BFloat16, "BF16", 2)]
    [TestCase(SafetensorsDType.Int64, "I64", 8)]
    [TestCase(SafetensorsDType.Int32, "I32", 4)]
    [TestCase(SafetensorsDType.Int16, "I16", 2)]
    [TestCase(SafetensorsDType.Int8, "I8", 1)]
    [TestCase(SafetensorsDType.UInt8, "U8", 1)]
    [TestCase(SafetensorsDType.Bool, "BOOL", 1)]
    [TestCase(SafetensorsDType.UInt16, "U16", 2)]
    [TestCase(SafetensorsDType.UInt32, "U32", 4)]
    [TestCase(SafetensorsDType.UInt64, "U64", 8)]
    [TestCase(SafetensorsDType.Float8E4M3, "F8_E4M3", 1)]
    [TestCase(SafetensorsDType.Float8E5M2, "F8_E5M2", 1)]
    public void NamesAndSizes(SafetensorsDType dtype, string name, int size)
    {
        Assert.Multiple(() =>
        {
            Assert.That(dtype.HeaderName, Is.EqualTo(name));
            Assert.That(dtype.ElementSize, Is.EqualTo(size));
            Assert.That(SafetensorsDTypeExtensions.TryParseHeaderName(name, out SafetensorsDType parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(dtype));
        });
    }

    [Test]
    public void EveryValueIsCovered() => Assert.That(Enum.GetValues<SafetensorsDType>(), Has.Length.EqualTo(15));

    [TestCase("f32")]
    [TestCase("F32 ")]
    [TestCase("")]
    [TestCase("FLOAT")]
    [TestCase("Float32")]
    [TestCase(null)]
    public void OnlyExactHeaderNamesParse(string? name) =>
        Assert.That(SafetensorsDTypeExtensions.TryParseHeaderName(name, out _), Is.False);

    [Test]
    public void AnUndefinedValueHasNoSizeOrName()
    {
        var undefined = (SafetensorsDType)99;
        Assert.Multiple(() =>
        {
            Assert.That(() => undefined.ElementSize, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => undefined.HeaderName, Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }
}
