using System.Text.RegularExpressions;
using MInference.Interop;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;

namespace MInference.Tests.Interop;

/// <summary>
/// Reads native/include/minference.h and checks the constants the bindings mirror. Skipped when the
/// tests run outside a checkout (the header is found by walking up from the test assembly).
/// </summary>
public sealed partial class HeaderConsistencyTests
{
    private string _header = string.Empty;

    private string HeaderPath { get; set; } = string.Empty;

    [OneTimeSetUp]
    public void ReadHeader()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "native", "include", "minference.h");
            if (File.Exists(candidate))
            {
                _header = File.ReadAllText(candidate);
                HeaderPath = candidate;
                return;
            }
        }

        Assert.Ignore("native/include/minference.h not found above the test directory: not running from a checkout (or a GPU bundle)");
    }

    [Test]
    public void AbiVersionMatches() =>
        Assert.That(int.Parse(AbiVersionDefine().Match(_header).Groups[1].Value), Is.EqualTo(MiNative.AbiVersion));

    [Test]
    public void HeadListCapacityMatches() =>
        Assert.That(int.Parse(MaxHeadListDefine().Match(_header).Groups[1].Value), Is.EqualTo(HeadList.MaxCount));

    [TestCase("MI_VS_LAST_QUERIES", VerticalSlashEstimation.LastQueryRows)]
    [TestCase("MI_VS_FORCED_VERTICALS", VerticalSlashEstimation.ForcedVerticals)]
    [TestCase("MI_VS_FORCED_SLASHES", VerticalSlashEstimation.ForcedSlashes)]
    public void VerticalSlashConstantsMatch(string define, int expected)
    {
        Match match = Regex.Match(_header, $@"#define\s+{define}\s+(\d+)");
        Assert.Multiple(() =>
        {
            Assert.That(match.Success, Is.True, $"{define} is not defined in minference.h");
            Assert.That(match.Success ? int.Parse(match.Groups[1].Value) : -1, Is.EqualTo(expected), $"{define} and the CPU reference's constant");
        });
    }

    [Test]
    public void EveryBoundEntryPointIsDeclaredInTheHeader()
    {
        string bindings = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(HeaderPath)))!, "bindings", "Native");
        if (!Directory.Exists(bindings))
        {
            Assert.Ignore($"{bindings} not found: not running from a checkout");
        }

        string[] entryPoints = Directory.GetFiles(bindings, "MiNative*.cs")
            .SelectMany(file => EntryPointAttribute().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value))
            .ToArray();
        string[] missing = entryPoints.Where(name => !Regex.IsMatch(_header, $@"\b{name}\s*\(")).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(entryPoints, Does.Contain("mi_kv_append_step").And.Contain("mi_kv_write_window").And.Contain("mi_stream_create_with_priority"), "the bindings were found and read");
            Assert.That(missing, Is.Empty, "LibraryImport entry points with no declaration in minference.h");
        });
    }

    [Test]
    public void StatusCodesMatch() => AssertEnumMatches<MiStatusCode>("MI_", StatusName);

    [Test]
    public void DTypeCodesMatch() => AssertEnumMatches<MiDType>("MI_DTYPE_", DTypeName);

    [Test]
    public void RouteCodesMatch() => AssertEnumMatches<MiRouteCode>("MI_ROUTE_", RouteName);

    [Test]
    public void SlaFeatureMapsMatch() => AssertEnumMatches<MiSlaFeatureMap>("MI_SLA_", SlaFeatureMapName);

    [Test]
    public void SlaLinearBranchesMatch() => AssertEnumMatches<MiSlaLinearBranch>("MI_SLA_", SlaLinearBranchName);

    [Test]
    public void SparseBlockSizeMatches()
    {
        Match match = Regex.Match(_header, @"#define\s+MI_SPARSE_BLOCK\s+(\d+)");
        Assert.That(match.Success ? int.Parse(match.Groups[1].Value) : -1, Is.EqualTo(SparseBlocks.Size), "MI_SPARSE_BLOCK and the C# block size");
    }

    [Test]
    public void PqCentroidCountMatches()
    {
        Match match = Regex.Match(_header, @"#define\s+MI_PQ_CENTROIDS\s+(\d+)");
        Assert.That(match.Success ? int.Parse(match.Groups[1].Value) : -1, Is.EqualTo(MInference.Decode.PqCodebookOptions.SupportedCentroids), "MI_PQ_CENTROIDS and the C# codebooks");
    }

    [Test]
    public void HeadDimsMatchTheInstantiationList()
    {
        // The native list lives in CMake (the header only documents it): read it beside the header.
        string? cmake = FindAbove(Path.Combine("cmake", "MInferenceInstantiations.cmake"));
        if (cmake is null)
        {
            Assert.Ignore("cmake/MInferenceInstantiations.cmake not found above the test directory");
        }

        Match match = Regex.Match(File.ReadAllText(cmake), @"set\(MI_HEAD_DIMS((?:\s+\d+)+)\)");
        Assert.That(match.Success, Is.True, "set(MI_HEAD_DIMS ...) in cmake/MInferenceInstantiations.cmake");
        int[] native = match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        Assert.That(AttentionHeadDims.Supported, Is.EqualTo(native), "MI_HEAD_DIMS and MiNative.AttentionHeadDims");
    }

    private static string? FindAbove(string relativePath)
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private void AssertEnumMatches<TEnum>(string prefix, Func<TEnum, string> nativeName)
        where TEnum : struct, Enum
    {
        Dictionary<string, int> declared = EnumeratorDefinition().Matches(_header)
            .Where(match => match.Groups[1].Value.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(match => match.Groups[1].Value, match => int.Parse(match.Groups[2].Value));
        Assert.Multiple(() =>
        {
            foreach (TEnum value in Enum.GetValues<TEnum>())
            {
                Assert.That(declared.GetValueOrDefault(nativeName(value), -1), Is.EqualTo(Convert.ToInt32(value)), nativeName(value));
            }
        });
    }

    private static string StatusName(MiStatusCode code) => code switch
    {
        MiStatusCode.Ok => "MI_OK",
        MiStatusCode.InvalidArgument => "MI_ERR_INVALID_ARGUMENT",
        MiStatusCode.Unsupported => "MI_ERR_UNSUPPORTED",
        MiStatusCode.NoDevice => "MI_ERR_NO_DEVICE",
        MiStatusCode.UnsupportedDevice => "MI_ERR_UNSUPPORTED_DEVICE",
        MiStatusCode.OutOfMemory => "MI_ERR_OUT_OF_MEMORY",
        MiStatusCode.Cuda => "MI_ERR_CUDA",
        MiStatusCode.Internal => "MI_ERR_INTERNAL",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    private static string DTypeName(MiDType dtype) => dtype switch
    {
        MiDType.Float16 => "MI_DTYPE_FLOAT16",
        MiDType.BFloat16 => "MI_DTYPE_BFLOAT16",
        MiDType.Float32 => "MI_DTYPE_FLOAT32",
        MiDType.UInt8 => "MI_DTYPE_UINT8",
        MiDType.Int32 => "MI_DTYPE_INT32",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    private static string RouteName(MiRouteCode code) => code switch
    {
        MiRouteCode.Sparse => "MI_ROUTE_SPARSE",
        MiRouteCode.Dense => "MI_ROUTE_DENSE",
        MiRouteCode.DenseSlower => "MI_ROUTE_DENSE_SLOWER",
        MiRouteCode.DenseTooDense => "MI_ROUTE_DENSE_TOO_DENSE",
        MiRouteCode.DenseCapacity => "MI_ROUTE_DENSE_CAPACITY",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    private static string SlaFeatureMapName(MiSlaFeatureMap map) => map switch
    {
        MiSlaFeatureMap.Softmax => "MI_SLA_SOFTMAX",
        MiSlaFeatureMap.EluPlusOne => "MI_SLA_ELU_PLUS_ONE",
        MiSlaFeatureMap.Relu => "MI_SLA_RELU",
        _ => throw new ArgumentOutOfRangeException(nameof(map)),
    };

    private static string SlaLinearBranchName(MiSlaLinearBranch branch) => branch switch
    {
        MiSlaLinearBranch.MarginalBlocks => "MI_SLA_MARGINAL_BLOCKS",
        MiSlaLinearBranch.AllKeys => "MI_SLA_ALL_KEYS",
        _ => throw new ArgumentOutOfRangeException(nameof(branch)),
    };

    [GeneratedRegex(@"EntryPoint\s*=\s*""(mi_[a-z0-9_]+)""")]
    private static partial Regex EntryPointAttribute();

    [GeneratedRegex(@"#define\s+MI_ABI_VERSION\s+(\d+)")]
    private static partial Regex AbiVersionDefine();

    [GeneratedRegex(@"#define\s+MI_MAX_HEAD_LIST\s+(\d+)")]
    private static partial Regex MaxHeadListDefine();

    [GeneratedRegex(@"\b(MI_[A-Z0-9_]+)\s*=\s*(\d+)")]
    private static partial Regex EnumeratorDefinition();
}
