using MInference.Cli.Plots;

namespace MInference.Tests.Plots;

/// <summary>Pattern plot inputs for the tests: causal G×G matrices with NaN above the diagonal.</summary>
internal static class PatternPlotCases
{
    /// <summary>A vertical-and-slash-like head: attention to key 0 and a few columns, a local diagonal band, decay elsewhere.</summary>
    public static PatternPlotData VerticalSlash(int bins, int sequenceLength)
    {
        var attention = new double[bins, bins];
        var kept = new double[bins, bins];
        for (int row = 0; row < bins; row++)
        {
            for (int column = 0; column < bins; column++)
            {
                if (column > row)
                {
                    attention[row, column] = double.NaN;
                    kept[row, column] = double.NaN;
                    continue;
                }
                bool vertical = column == 0 || column % 37 == 5;
                bool slash = row - column is 0 or 1 or 9;
                attention[row, column] = (vertical ? 0.05 : 0) + (slash ? 0.02 : 0) + 1e-5 / (1 + row - column);
                kept[row, column] = vertical || slash ? 1 : 0;
            }
        }
        return new PatternPlotData(
            "layer 2 · head 5 · vertical_and_slash (1000, 6096)", "N = 131072 · density 4.2 % · rel. L2 0.8 %", sequenceLength, attention, kept);
    }

    public static PatternPlotData Causal(int bins, double attentionBelow, double keptBelow, int sequenceLength = 4096)
    {
        var attention = new double[bins, bins];
        var kept = new double[bins, bins];
        for (int row = 0; row < bins; row++)
        {
            for (int column = 0; column < bins; column++)
            {
                attention[row, column] = column > row ? double.NaN : attentionBelow;
                kept[row, column] = column > row ? double.NaN : keptBelow;
            }
        }
        return new PatternPlotData("causal", "", sequenceLength, attention, kept);
    }
}
