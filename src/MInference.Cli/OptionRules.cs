using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MInference.Cli;

/// <summary>
/// Parsers for numeric and named option values. Each converts the tokens itself and reports a bad
/// value as one error naming the option and what it accepts: the parser's own conversion error
/// names a .NET type, and a validator reading a value that did not convert throws.
/// </summary>
internal static class OptionRules
{
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.CustomParser = result => ParseIntegers(result, option.Name, minimum) is [int value] ? value : default;
        return option;
    }

    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.CustomParser = result => ParseIntegers(result, option.Name, minimum) is [int value] ? value : null;
        return option;
    }

    /// <summary>Any 32-bit integer (a seed, say), with the option's name in the error.</summary>
    public static Option<int> AnyInteger(this Option<int> option) => option.AtLeast(int.MinValue);

    public static Option<int[]> AllAtLeast(this Option<int[]> option, int minimum)
    {
        option.CustomParser = result => ParseIntegers(result, option.Name, minimum) ?? [];
        return option;
    }

    /// <summary>
    /// A finite number in [<paramref name="minimum"/>, <paramref name="maximum"/>], or (minimum, maximum]
    /// when <paramref name="minimumExcluded"/>; a <paramref name="maximum"/> of +∞ means no upper bound.
    /// </summary>
    public static Option<double> Between(this Option<double> option, double minimum, double maximum, bool minimumExcluded = false)
    {
        option.CustomParser = result => ParseReal(result, option.Name, minimum, maximum, minimumExcluded) ?? default;
        return option;
    }

    /// <inheritdoc cref="Between(Option{double}, double, double, bool)"/>
    public static Option<double?> Between(this Option<double?> option, double minimum, double maximum, bool minimumExcluded = false)
    {
        option.CustomParser = result => ParseReal(result, option.Name, minimum, maximum, minimumExcluded);
        return option;
    }

    /// <summary>Accepts only <paramref name="names"/>; the error names the option and lists them on one line.</summary>
    public static Option<T> AcceptOnly<T>(this Option<T> option, params string[] names)
    {
        option.Validators.Add(result =>
        {
            foreach (Token token in result.Tokens.Where(token => !names.Contains(token.Value, StringComparer.Ordinal)))
            {
                result.AddError($"{option.Name}: '{token.Value}' is not one of {string.Join(", ", names)}");
            }
        });
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>The integer tokens of <paramref name="result"/>, or null (and one error) when one is not an integer >= <paramref name="minimum"/>.</summary>
    private static int[]? ParseIntegers(ArgumentResult result, string optionName, int minimum)
    {
        var values = new int[result.Tokens.Count];
        for (int i = 0; i < values.Length; i++)
        {
            string text = result.Tokens[i].Value;
            bool isInteger = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value);
            if (!isInteger || value < minimum || value > int.MaxValue)
            {
                result.AddError($"{optionName}: '{text}' is {(isInteger ? "out of range" : "not a whole number")}; expected a whole number from {minimum} to {int.MaxValue}");
                return null;
            }

            values[i] = (int)value;
        }

        return values;
    }

    private static double? ParseReal(ArgumentResult result, string optionName, double minimum, double maximum, bool minimumExcluded)
    {
        if (result.Tokens is not [Token token])
        {
            return null;
        }

        bool isNumber = double.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value);
        bool inRange = isNumber && (minimumExcluded ? value > minimum : value >= minimum) && value <= maximum;
        if (!inRange)
        {
            string accepted = double.IsPositiveInfinity(maximum)
                ? string.Create(CultureInfo.InvariantCulture, $"a number {(minimumExcluded ? ">" : ">=")} {minimum}")
                : string.Create(CultureInfo.InvariantCulture, $"a number in {(minimumExcluded ? '(' : '[')}{minimum}, {maximum}]");
            result.AddError($"{optionName}: '{token.Value}' is {(isNumber ? "out of range" : "not a number")}; expected {accepted}");
            return null;
        }

        return value;
    }
}
