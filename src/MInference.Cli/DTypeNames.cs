using System.CommandLine;

namespace MInference.Cli;

/// <summary>The CLI's spelling of the 16-bit dtypes: "bf16" and "fp16".</summary>
internal static class DTypeNames
{
    private const string BFloat16 = "bf16";
    private const string Float16 = "fp16";

    public static string ToShortName(DType dtype) => dtype switch
    {
        DType.BFloat16 => BFloat16,
        DType.Float16 => Float16,
        _ => dtype.ToString(),
    };

    /// <summary>A `--dtype` option accepting bf16 (the default) or fp16.</summary>
    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--dtype") { Description = "Element type", DefaultValueFactory = _ => BFloat16 };
        option.AcceptOnly(BFloat16, Float16);
        return option;
    }

    /// <summary>The dtype of a value the option accepted.</summary>
    public static DType Parse(string? name) => name == Float16 ? DType.Float16 : DType.BFloat16;
}
