using System.CommandLine;
using MInference.Sparse.Config;

namespace MInference.Cli.Search;

/// <summary>The `--format` option of `search`: extended (dense heads written "dense") or minference (only names MInference's loader knows).</summary>
internal static class ConfigFormatChoice
{
    public const string Extended = "extended";
    public const string MInference = "minference";

    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--format")
        {
            Description = "Config form: extended (dense heads written \"dense\"; read by run and demo) or minference (dense heads written "
                + "vertical_and_slash(N, N), N the sample length, which MInference's own loader reads; dense only up to N tokens)",
            DefaultValueFactory = _ => Extended,
        };
        option.AcceptOnly(Extended, MInference);
        return option;
    }

    /// <summary>The library's format for a value the option accepted.</summary>
    public static PatternConfigFormat Parse(string? choice) => choice == MInference ? PatternConfigFormat.MInference : PatternConfigFormat.Extended;
}
