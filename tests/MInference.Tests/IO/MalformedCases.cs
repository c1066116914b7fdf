using System.Text;
using MInference.IO;

namespace MInference.Tests.IO;

/// <summary>
/// The corpus of malformed safetensors files: one case per kind of defect, each close to a valid file
/// (a single F32 [2] tensor "a" at [0, 8]) so that only the named defect is wrong.
/// </summary>
internal static class MalformedCases
{
    private const string Valid = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    public static IEnumerable<TestCaseData> All() => Cases().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    public static IEnumerable<MalformedCase> Cases()
    {
        // The length prefix.
        yield return new("empty-file", [], "the file is 0 bytes long; expected at least 8");
        yield return new("seven-bytes", [1, 2, 3, 4, 5, 6, 7], "the file is 7 bytes long; expected at least 8");
        yield return new("header-length-zero", SafetensorsBytes.WithLength(0, "{}      "), "the header length is 0; expected 1 to 104857600");
        yield return new("header-length-past-file", SafetensorsBytes.WithLength(1000, "{}"), "the header length 1000 is more than the 2 bytes after the length (the file is 10 bytes)");
        yield return new("header-length-only-prefix", SafetensorsBytes.WithLength(1, ""), "the header length 1 is more than the 0 bytes after the length");
        yield return new("header-length-over-limit", SafetensorsBytes.WithLength(SafetensorsFile.MaxHeaderLength + 1, "{}"), "the header length 104857601 is over the limit of 104857600 bytes");
        yield return new("header-length-2^63", SafetensorsBytes.WithLength(1UL << 63, "{}"), "the header length 9223372036854775808 is over the limit");
        yield return new("header-length-2^64-1", SafetensorsBytes.WithLength(ulong.MaxValue, "{}"), "the header length 18446744073709551615 is over the limit");

        // Text and JSON syntax.
        yield return new("non-utf8-byte", SafetensorsBytes.File([.. "{\"a"u8, 0xFF, .. "\":{}}"u8]), "the header is not valid UTF-8 (invalid byte(s) 0xFF");
        yield return new("overlong-utf8", SafetensorsBytes.File([.. "{\"a"u8, 0xC0, 0xAF, .. "\":{}}"u8]), "the header is not valid UTF-8");
        yield return new("utf8-encoded-surrogate", SafetensorsBytes.File([.. "{\"a"u8, 0xED, 0xA0, 0x80, .. "\":{}}"u8]), "the header is not valid UTF-8");
        yield return new("truncated-utf8-sequence", SafetensorsBytes.File([.. "{\"a"u8, 0xE2, 0x82]), "the header is not valid UTF-8");
        yield return new("header-is-array", SafetensorsBytes.File("[1, 2]"), "the header starts with '['; expected a JSON object, starting with '{'");
        yield return new("header-is-string", SafetensorsBytes.File("\"abc\""), "the header starts with '\"'; expected a JSON object");
        yield return new("header-is-number", SafetensorsBytes.File("12345678"), "the header starts with '1'; expected a JSON object");
        yield return new("leading-space", SafetensorsBytes.File(" {}"), "the header starts with byte 0x20; expected a JSON object");
        yield return new("byte-order-mark", SafetensorsBytes.File([0xEF, 0xBB, 0xBF, .. "{}"u8]), "the header starts with a UTF-8 byte-order mark");
        yield return new("invalid-json-unterminated", SafetensorsBytes.File("""{"a": """), "the header is not valid JSON");
        yield return new("invalid-json-trailing-text", SafetensorsBytes.File("{} x"), "the header is not valid JSON at line 1, byte 4");
        yield return new("invalid-json-trailing-comma", SafetensorsBytes.File("""{"__metadata__":{"k":"v"},}"""), "the header is not valid JSON");
        yield return new("invalid-json-comment", SafetensorsBytes.File("{/* c */}"), "the header is not valid JSON");
        yield return new("invalid-json-nul-padding", SafetensorsBytes.File("{}\0\0\0\0\0\0"), "the header is not valid JSON");
        yield return new("invalid-json-single-quotes", SafetensorsBytes.File("{'a':1}"), "the header is not valid JSON");
        yield return new("lone-surrogate-escape-in-name", SafetensorsBytes.File(Valid.Replace("\"a\"", "\"\\ud800\"", StringComparison.Ordinal), 8),
            "a property name holds an escape that is not valid UTF-16");

        // Tensor names and entries.
        yield return new("empty-tensor-name", SafetensorsBytes.File(Valid.Replace("\"a\"", "\"\"", StringComparison.Ordinal), 8), "a tensor has an empty name");
        yield return new("duplicate-tensor-name", SafetensorsBytes.File(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8),
            "the name appears more than once in the header; expected unique tensor names", "a");
        yield return new("entry-is-array", SafetensorsBytes.File("""{"a":[0,8]}""", 8), "the entry is an array; expected an object", "a");
        yield return new("entry-is-string", SafetensorsBytes.File("""{"a":"F32"}""", 8), "the entry is a string \"F32\"; expected an object", "a");
        yield return new("entry-is-null", SafetensorsBytes.File("""{"a":null}""", 8), "the entry is null; expected an object", "a");
        yield return new("missing-dtype", SafetensorsBytes.File("""{"a":{"shape":[2],"data_offsets":[0,8]}}""", 8), "missing field \"dtype\"; expected exactly the fields", "a");
        yield return new("missing-shape", SafetensorsBytes.File("""{"a":{"dtype":"F32","data_offsets":[0,8]}}""", 8), "missing field \"shape\"", "a");
        yield return new("missing-data-offsets", SafetensorsBytes.File("""{"a":{"dtype":"F32","shape":[2]}}""", 8), "missing field \"data_offsets\"", "a");
        yield return new("missing-every-field", SafetensorsBytes.File("""{"a":{}}""", 8), "missing fields \"dtype\", \"shape\", \"data_offsets\"", "a");
        yield return new("extra-field", SafetensorsBytes.File(Valid.Replace("}}", ""","offset":0}}""", StringComparison.Ordinal), 8),
            "unexpected field \"offset\"; expected exactly the fields \"dtype\", \"shape\" and \"data_offsets\"", "a");
        yield return new("duplicate-field", SafetensorsBytes.File("""{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8),
            "field \"dtype\" appears more than once", "a");

        // dtype.
        yield return new("unknown-dtype", SafetensorsBytes.File(Valid.Replace("F32", "F31", StringComparison.Ordinal), 8),
            "unknown dtype \"F31\"; expected one of F64, U64, I64, F32, U32, I32, BF16, F16, U16, I16, F8_E5M2, F8_E4M3, I8, U8, BOOL", "a");
        yield return new("lowercase-dtype", SafetensorsBytes.File(Valid.Replace("F32", "f32", StringComparison.Ordinal), 8), "unknown dtype \"f32\"", "a");
        yield return new("dtype-is-number", SafetensorsBytes.File(Valid.Replace("\"F32\"", "5", StringComparison.Ordinal), 8), "dtype is a number 5; expected a string", "a");
        yield return new("dtype-is-null", SafetensorsBytes.File(Valid.Replace("\"F32\"", "null", StringComparison.Ordinal), 8), "dtype is null; expected a string", "a");
        yield return new("dtype-lone-surrogate-escape", SafetensorsBytes.File(Valid.Replace("F32", "\\udc00", StringComparison.Ordinal), 8),
            "dtype holds an escape that is not valid UTF-16", "a");

        // shape.
        yield return new("shape-is-string", SafetensorsBytes.File(Valid.Replace("[2]", "\"2\"", StringComparison.Ordinal), 8),
            "shape is a string \"2\"; expected an array of non-negative integers", "a");
        yield return new("shape-is-number", SafetensorsBytes.File(Valid.Replace("[2]", "2", StringComparison.Ordinal), 8), "shape is a number 2; expected an array", "a");
        yield return new("shape-is-null", SafetensorsBytes.File(Valid.Replace("[2]", "null", StringComparison.Ordinal), 8), "shape is null; expected an array", "a");
        yield return new("negative-dim", SafetensorsBytes.File(Valid.Replace("[2]", "[-2]", StringComparison.Ordinal), 8), "shape[0] is -2, negative; expected a non-negative integer", "a");
        yield return new("non-integer-dim", SafetensorsBytes.File(Valid.Replace("[2]", "[1,2.5]", StringComparison.Ordinal), 8), "shape[1] is 2.5, not an integer", "a");
        yield return new("integral-float-dim", SafetensorsBytes.File(Valid.Replace("[2]", "[2.0]", StringComparison.Ordinal), 8), "shape[0] is 2.0, not an integer", "a");
        yield return new("exponent-dim", SafetensorsBytes.File(Valid.Replace("[2]", "[2e0]", StringComparison.Ordinal), 8), "shape[0] is 2e0, not an integer", "a");
        yield return new("dim-past-int64", SafetensorsBytes.File(Valid.Replace("[2]", "[9223372036854775808]", StringComparison.Ordinal), 8),
            "shape[0] is 9223372036854775808, out of range; expected a non-negative integer of at most 9223372036854775807", "a");
        yield return new("dim-is-string", SafetensorsBytes.File(Valid.Replace("[2]", "[\"2\"]", StringComparison.Ordinal), 8), "shape[0] is a string \"2\"", "a");
        yield return new("dim-is-array", SafetensorsBytes.File(Valid.Replace("[2]", "[[2]]", StringComparison.Ordinal), 8), "shape[0] is an array", "a");
        yield return new("shape-element-count-overflow", SafetensorsBytes.File(Valid.Replace("[2]", "[4294967296,4294967296]", StringComparison.Ordinal), 8),
            "shape [4294967296, 4294967296] has more than 9223372036854775807 elements (the product of the dimensions overflows)", "a");
        yield return new("shape-byte-count-overflow", SafetensorsBytes.File(Valid.Replace("[2]", "[4611686018427387904]", StringComparison.Ordinal), 8),
            "shape [4611686018427387904] of F32 spans more than 9223372036854775807 bytes", "a");

        // data_offsets.
        yield return new("offsets-is-object", SafetensorsBytes.File(Valid.Replace("[0,8]", """{"begin":0}""", StringComparison.Ordinal), 8),
            "data_offsets is an object; expected [begin, end]", "a");
        yield return new("offsets-three-items", SafetensorsBytes.File(Valid.Replace("[0,8]", "[0,4,8]", StringComparison.Ordinal), 8),
            "data_offsets is an array of 3 item(s); expected [begin, end]", "a");
        yield return new("offsets-one-item", SafetensorsBytes.File(Valid.Replace("[0,8]", "[8]", StringComparison.Ordinal), 8), "data_offsets is an array of 1 item(s)", "a");
        yield return new("offsets-negative", SafetensorsBytes.File(Valid.Replace("[0,8]", "[-8,0]", StringComparison.Ordinal), 8), "data_offsets[0] is -8, negative", "a");
        yield return new("offsets-non-integer", SafetensorsBytes.File(Valid.Replace("[0,8]", "[0,8.0]", StringComparison.Ordinal), 8), "data_offsets[1] is 8.0, not an integer", "a");
        yield return new("offsets-string", SafetensorsBytes.File(Valid.Replace("[0,8]", "[\"0\",8]", StringComparison.Ordinal), 8), "data_offsets[0] is a string \"0\"", "a");
        yield return new("offsets-begin-after-end", SafetensorsBytes.File(Valid.Replace("[0,8]", "[8,0]", StringComparison.Ordinal), 8),
            "data_offsets [8, 0]: begin is after end; expected begin <= end", "a");
        yield return new("byte-count-mismatch", SafetensorsBytes.File(Valid.Replace("[0,8]", "[0,12]", StringComparison.Ordinal), 12),
            "data_offsets [0, 12] hold 12 bytes; expected 2 elements × 4 bytes = 8 bytes for F32 [2]", "a");
        yield return new("byte-count-mismatch-bf16", SafetensorsBytes.File("""{"layers.0.q":{"dtype":"BF16","shape":[2,3,4],"data_offsets":[0,96]}}""", 96),
            "data_offsets [0, 96] hold 96 bytes; expected 2·3·4 elements × 2 bytes = 48 bytes for BF16 [2, 3, 4]", "layers.0.q");
        yield return new("byte-count-mismatch-scalar", SafetensorsBytes.File("""{"s":{"dtype":"I64","shape":[],"data_offsets":[0,4]}}""", 4),
            "data_offsets [0, 4] hold 4 bytes; expected 1 element (a scalar) × 8 bytes = 8 bytes for I64 []", "s");

        // Placement in the data buffer.
        yield return new("truncated-payload", SafetensorsBytes.File(Valid, 5),
            "data_offsets [0, 8] end past the 5-byte data buffer (3 byte(s) missing); the file is truncated", "a");
        yield return new("no-payload", SafetensorsBytes.File(Valid), "data_offsets [0, 8] end past the 0-byte data buffer", "a");
        yield return new("offsets-past-end", SafetensorsBytes.File(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[4],"data_offsets":[8,12]}}""", 10),
            "data_offsets [8, 12] end past the 10-byte data buffer", "b");
        yield return new("overlapping-ranges", SafetensorsBytes.File(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12),
            "data_offsets [4, 12] overlap tensor 'a' at [0, 8]; expected the tensors back to back", "b");
        yield return new("identical-ranges", SafetensorsBytes.File(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}""", 8),
            "data_offsets [0, 8] overlap tensor 'a' at [0, 8]", "b");
        yield return new("empty-tensor-inside-another", SafetensorsBytes.File(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}""", 8),
            "data_offsets [4, 4] overlap tensor 'a' at [0, 8]", "e");
        yield return new("hole-between-tensors", SafetensorsBytes.File(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}""", 20),
            "data_offsets [12, 20] leave a hole: bytes [8, 12) are unused between tensor 'a' and this one; expected the tensors back to back, covering the data buffer exactly as the reference implementation requires", "b");
        yield return new("hole-at-start", SafetensorsBytes.File(Valid.Replace("[0,8]", "[4,12]", StringComparison.Ordinal), 12),
            "data_offsets [4, 12] leave a hole: bytes [0, 4) are unused at the start of the data buffer", "a");
        yield return new("trailing-bytes", SafetensorsBytes.File(Valid, 12),
            "the data buffer is 12 bytes but the tensors end at byte 8: 4 trailing byte(s) unused; expected the tensors back to back, covering the data buffer exactly");
        yield return new("trailing-bytes-without-tensors", SafetensorsBytes.File("{}", 3), "the data buffer is 3 bytes but there are no tensors: 3 trailing byte(s) unused");

        // __metadata__.
        yield return new("metadata-is-array", SafetensorsBytes.File("""{"__metadata__":["k","v"]}"""), "__metadata__ is an array; expected an object mapping strings to strings");
        yield return new("metadata-is-string", SafetensorsBytes.File("""{"__metadata__":"v"}"""), "__metadata__ is a string \"v\"; expected an object");
        yield return new("metadata-is-null", SafetensorsBytes.File("""{"__metadata__":null}"""), "__metadata__ is null; expected an object");
        yield return new("metadata-value-number", SafetensorsBytes.File("""{"__metadata__":{"format":"pt","step":1}}"""),
            "__metadata__ key \"step\" holds a number 1; expected a string value");
        yield return new("metadata-value-null", SafetensorsBytes.File("""{"__metadata__":{"k":null}}"""), "__metadata__ key \"k\" holds null; expected a string value");
        yield return new("metadata-value-object", SafetensorsBytes.File("""{"__metadata__":{"k":{"x":"y"}}}"""), "__metadata__ key \"k\" holds an object");
        yield return new("metadata-duplicate-key", SafetensorsBytes.File("""{"__metadata__":{"k":"a","k":"b"}}"""), "__metadata__ key \"k\" appears more than once");
        yield return new("metadata-twice", SafetensorsBytes.File("""{"__metadata__":{},"__metadata__":{}}"""), "__metadata__ appears more than once");
        yield return new("metadata-lone-surrogate-escape", SafetensorsBytes.File("""{"__metadata__":{"k":"\ud800x"}}"""),
            "__metadata__ key \"k\" holds an escape that is not valid UTF-16");
    }

    /// <summary>Every case's bytes as Latin-1 text, to tell apart cases that would accidentally be identical.</summary>
    public static string Fingerprint(MalformedCase c) => Encoding.Latin1.GetString(c.Bytes);
}
