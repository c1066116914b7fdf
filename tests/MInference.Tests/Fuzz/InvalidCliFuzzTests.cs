using System.Security.Cryptography;
using System.Text;
using MInference.Tests.Cli;

namespace MInference.Tests.Fuzz;

/// <summary>
/// Invalid `minference` command lines, run in process: a cheap command (small sizes, CPU backend)
/// with one seeded mutation (an option value that does not parse or is out of range, an unknown
/// option or command, a missing required option, a bad choice, a path that is missing, a folder or
/// an input, or an input file that is a mutated safetensors or pattern file). Each must exit with
/// 1 or 2 and one line on standard error naming the problem: no stack trace, no unexpected-error
/// line (those name an exception type and point to --verbose), and nothing written or changed in
/// the fixture's folder (snapshotted before and after).
/// </summary>
[NonParallelizable]
public sealed class InvalidCliFuzzTests
{
    public const int Cases = 150;
    private const int MasterSeed = 11_2026;
    private TempDirectory _directory = null!;

    [OneTimeSetUp]
    public void CreateInputs()
    {
        _directory = CliInputFolder.Create("[\"stream_llm\", 4, 16, 1.0]");
    }

    [OneTimeTearDown]
    public void DeleteInputs() => _directory.Dispose();

    [Test]
    public void EveryMutatedCommandLineFailsWithOneTypedLineAndWritesNothing()
    {
        var master = new Random(MasterSeed);
        var problems = new List<string>();
        for (int i = 0; i < Cases; i++)
        {
            int seed = master.Next();
            (string what, string[] args) = Mutate(seed);
            Dictionary<string, string> before = Snapshot();
            (int exitCode, string output, string errors) = CliRun.InvokeWithErrors(args);
            string[] lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string where = $"cli seed {seed}: {what}: minference {string.Join(' ', args.Select(a => a.Replace(_directory.Path, "$TMP", StringComparison.Ordinal)))}";
            if (exitCode is not (1 or 2))
            {
                problems.Add($"{where}: exit code {exitCode}");
            }

            if (lines.Length != 1 || !lines[0].StartsWith("error: ", StringComparison.Ordinal))
            {
                problems.Add($"{where}: expected one 'error: ' line on standard error, got: {errors}");
            }

            if ((output + errors).Contains("   at ", StringComparison.Ordinal) || errors.Contains(MInference.Cli.CliApp.VerboseOptionName, StringComparison.Ordinal))
            {
                problems.Add($"{where}: a stack trace or an unexpected (untyped) error: {errors}");
            }

            if (!Snapshot().OrderBy(e => e.Key).SequenceEqual(before.OrderBy(e => e.Key)))
            {
                problems.Add($"{where}: the folder changed");
            }

            // The mutated input files of this case go; the snapshot of the next case starts clean.
            foreach (string file in Directory.EnumerateFiles(_directory.Path, "bad-*"))
            {
                File.Delete(file);
            }
        }

        TestContext.Out.WriteLine($"{Cases} invalid command lines, {problems.Count} problems");
        Assert.That(problems, Is.Empty);
    }

    /// <summary>One mutated command line of a seed (mutated input files are written now, before the snapshot).</summary>
    private (string What, string[] Args) Mutate(int seed)
    {
        var random = new Random(seed);
        string input = _directory.File("input.safetensors"), config = _directory.File("config.json"), sub = _directory.File("sub");
        string output = _directory.File($"out-{seed}.safetensors"), json = _directory.File($"out-{seed}.json");
        string[][] bases =
        [
            ["generate", "--out", output, "--seq", "64", "--layers", "1", "--heads", "2", "--kv-heads", "1"],
            ["run", "--input", input, "--config", config, "--backend", "cpu", "--output", output],
            ["search", "--input", input, "--out", json, "--backend", "cpu"],
            ["demo", "--seq", "64", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--backend", "cpu", "--config", config],
        ];
        (string Option, bool Real)[][] numeric =
        [
            [("--seq", false), ("--layers", false), ("--heads", false), ("--kv-heads", false), ("--seed", false)],
            [("--min-seq", false), ("--min-seq-estimated", false), ("--timed-runs", false), ("--max-density", true)],
            [("--seq", false), ("--heads", false)],
            [("--seq", false), ("--layers", false), ("--heads", false), ("--timed-runs", false), ("--max-density", true)],
        ];
        int command = random.Next(bases.Length);
        List<string> args = [.. bases[command]];
        void Set(string option, string value)
        {
            int at = args.IndexOf(option);
            if (at >= 0)
            {
                args[at + 1] = value;
            }
            else
            {
                args.AddRange([option, value]);
            }
        }

        string[] badIntegers = ["abc", "1.5", "99999999999", "0x10", "1e3", "", "NaN", "١٢"];
        string[] badReals = ["abc", "-0.5", "2", "NaN", "Infinity", "1e999", ""];
        string what;
        switch (random.Next(9))
        {
            case 0:
                (string option, bool real) = numeric[command][random.Next(numeric[command].Length)];
                string value = real ? badReals[random.Next(badReals.Length)] : badIntegers[random.Next(badIntegers.Length)];
                value = option == "--seed" && value == "NaN" ? "1.5" : value;
                Set(option, value);
                what = $"{option} '{value}'";
                break;
            case 1:
                string[] zeroes = ["--layers", "--heads", "--kv-heads"];
                string zero = command == 1 ? "--timed-runs" : zeroes[random.Next(zeroes.Length)];
                Set(zero, random.Next(2) == 0 ? "0" : "-3");
                what = $"{zero} below its minimum";
                break;
            case 2:
                string[] choices = command == 0 ? ["--dtype"] : command == 2 ? ["--format", "--backend"] : ["--backend", "--dtype"];
                string choice = choices[random.Next(choices.Length)];
                string[] bad = ["tpu", "fp8", "BF16", "", "python", "cpu,gpu"];
                string badChoice = bad[random.Next(bad.Length)];
                Set(choice, badChoice);
                what = $"{choice} '{badChoice}'";
                break;
            case 3:
                string unknown = random.Next(2) == 0 ? $"--frobnicate-{random.Next(100)}" : "-x";
                args.Insert(1 + random.Next(args.Count), unknown);
                what = $"unknown option {unknown}";
                break;
            case 4:
                string[] required = command switch { 0 => ["--out"], 1 => ["--input", "--config"], 2 => ["--out"], _ => ["--seq"] };
                string drop = required[random.Next(required.Length)];
                int at = args.IndexOf(drop);
                if (command == 3)
                {
                    // demo has no required option: drop the command name instead (an unknown command).
                    args[0] = "demonstrate";
                    what = "unknown command demonstrate";
                }
                else
                {
                    args.RemoveRange(at, 2);
                    what = $"missing {drop}";
                }

                break;
            case 5:
                string[] outputs = command == 3 ? ["--config"] : command == 1 ? ["--output", "--input", "--config"] : command == 2 ? ["--out", "--input"] : ["--out"];
                string path = outputs[random.Next(outputs.Length)];
                string[] places = [sub, _directory.File("missing/x.json"), input, config, _directory.File("absent.json")];
                string place = places[random.Next(places.Length)];
                bool isInput = path is "--input" or "--config";
                // An existing file is a legal input, and a legal output where the command reads no input (generate).
                if ((isInput && (place == input || place == config)) || (!isInput && (place == _directory.File("absent.json") || command == 0)))
                {
                    place = sub;
                }

                Set(path, place);
                what = $"{path} {Path.GetFileName(place)}";
                break;
            case 6 when command != 0:
                (string badWhat, byte[] badBytes) = InvalidSafetensorsFuzzTests.Mutate(random.Next());
                string badInput = _directory.File($"bad-{seed}.safetensors");
                File.WriteAllBytes(badInput, badBytes);
                if (command == 3)
                {
                    args = ["run", "--input", badInput, "--config", config, "--backend", "cpu"];
                }
                else
                {
                    Set("--input", badInput);
                }

                what = $"a malformed input ({badWhat})";
                break;
            case 7 when command != 0:
                string badConfig = BadConfig(random, _directory.File($"bad-{seed}.json"));
                args = ["run", "--input", input, "--config", badConfig, "--backend", "cpu", "--output", output];
                what = "a malformed pattern file";
                break;
            default:
                // Sizes that parse but the synthetic model refuses: a head_dim no kernel has, or heads not a multiple of kv-heads.
                string[] sizes = random.Next(2) == 0 ? ["--head-dim", "100"] : ["--heads", "3", "--kv-heads", "2"];
                args = command is 0 or 3 ? args : ["generate", "--out", output, "--seq", "64"];
                for (int i = 0; i < sizes.Length; i += 2)
                {
                    Set(sizes[i], sizes[i + 1]);
                }

                what = string.Join(' ', sizes);
                break;
        }

        return (what, [.. args]);
    }

    /// <summary>A pattern file for the 1-layer, 2-head input with one seeded problem, written to <paramref name="path"/>; returns the path.</summary>
    private static string BadConfig(Random random, string path)
    {
        string[] configs =
        [
            "[{\"0\": [\"dense\", 0, 0, 1.0]}]",
            "[{\"0\": [\"dense\", 0, 0, 1.0], \"1\": [\"stream_llm\", -1, 16, 1.0]}]",
            "[{\"0\": [\"dense\", 0, 0, 1.0], \"1\": [\"vertcal_and_slash\", 4, 16, 1.0]}]",
            "[{\"0\": [\"dense\", 0, 0, 1.0], \"1\": [\"dense\", 0, 0]}]",
            "[{\"0\": [\"dense\", 0, 0, 1.0], \"1\": [\"dense\", 0, 0, 1.0]}, {}]",
            "[{\"0\": [\"dense\", 0, 0, 1.0], \"2\": [\"dense\", 0, 0, 1.0]}]",
            "[{\"0\": [\"dense\", 0, 0, 1.0], \"1\": [\"block_sparse\", 1e30, 0, 1.0]}]",
            "[{\"0\": [\"dense\", 0, 0, 1.0], \"1\": [\"dense\", 0, 0, 1.0]",
            "{}",
            string.Empty,
        ];
        byte[] bytes = random.Next(5) == 0
            ? [.. "[{\"0\": [\""u8.ToArray(), 0xFF, 0xFE, .. "\", 0, 0, 1.0], \"1\": [\"dense\", 0, 0, 1.0]}]"u8.ToArray()]
            : Encoding.UTF8.GetBytes(configs[random.Next(configs.Length)]);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Every entry under the fixture's folder with a hash of its content (folders: "dir").</summary>
    private Dictionary<string, string> Snapshot() => Directory
        .EnumerateFileSystemEntries(_directory.Path, "*", SearchOption.AllDirectories)
        .ToDictionary(
            path => Path.GetRelativePath(_directory.Path, path),
            path => Directory.Exists(path) ? "dir" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
