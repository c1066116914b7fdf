using System.CommandLine;

namespace MInference.Cli;

/// <summary>Range checks for numeric options, reported by the parser before a command runs.</summary>
internal static class OptionRules
{
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < minimum)
            {
                result.AddError($"{option.Name} must be >= {minimum}");
            }
        });
        return option;
    }

    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() < minimum)
            {
                result.AddError($"{option.Name} must be >= {minimum}");
            }
        });
        return option;
    }

    public static Option<int[]> AllAtLeast(this Option<int[]> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if ((result.GetValueOrDefault<int[]>() ?? []).Any(value => value < minimum))
            {
                result.AddError($"every {option.Name} value must be >= {minimum}");
            }
        });
        return option;
    }
}
