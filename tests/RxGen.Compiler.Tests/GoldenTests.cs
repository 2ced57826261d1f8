using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace RxGen.Compiler.Tests;

/// <summary>The checked-in outputs under tests/Golden are exactly what the rxgen CLI produces now from
/// tests/Golden/manifest.txt (regenerate with scripts/update-golden.sh after an intended change and review the diff).</summary>
public class GoldenTests
{
    private static IEnumerable<string> Lines() =>
        File.ReadAllLines(Repo.PathOf("tests/Golden/manifest.txt"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("#", StringComparison.Ordinal))
            .Select(l => l.Trim());

    public static IEnumerable<object[]> Manifest() => Lines().Select(l => new object[] { l });

    /// <summary>Runs one manifest line from the repository root, as the script does; returns the written files.</summary>
    private static Dictionary<string, string> Run(string line)
    {
        var output = Directory.CreateTempSubdirectory("rxgen-golden-");
        var cwd = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Repo.Root);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var args = new[] { "-o", output.FullName }.Concat(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
            var exit = RxGen.Cli.Program.Run(args, stdout, stderr);
            Assert.True(exit == 0, stderr.ToString());
            return output.GetFiles().ToDictionary(f => f.Name, f => File.ReadAllText(f.FullName));
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
            output.Delete(true);
        }
    }

    [Theory]
    [MemberData(nameof(Manifest))]
    public void Output_matches_the_checked_in_golden_files(string line)
    {
        foreach (var (name, text) in Run(line))
        {
            var golden = Repo.PathOf("tests/Golden/" + name);
            Assert.True(File.Exists(golden), $"{name} is generated but not checked in (run scripts/update-golden.sh)");
            Assert.Equal(File.ReadAllText(golden), text);
        }
    }

    [Fact]
    public void Every_golden_file_is_produced_by_the_manifest_exactly_once()
    {
        var produced = Lines().SelectMany(l => Run(l).Keys).ToList();
        Assert.Equal(produced.Distinct().Count(), produced.Count);
        var checkedIn = Directory.GetFiles(Repo.PathOf("tests/Golden"), "*.cs").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(checkedIn, produced.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Shared_includes_are_emitted_once_and_referred_to_by_their_includers()
    {
        var afs = Run(Lines().First(l => l.Contains("afscbint.xg", StringComparison.Ordinal)));
        Assert.Contains("common.xg.cs", afs.Keys);
        Assert.Contains("sealed partial class AFSFid ", afs["common.xg.cs"]);
        foreach (var includer in new[] { "afsint.xg.cs", "afscbint.xg.cs" })
        {
            Assert.DoesNotContain("sealed partial class AFSFid ", afs[includer]);
            Assert.Contains("global::Golden.AfsCommon.AFSFid", afs[includer]);
        }
        Assert.DoesNotContain("sealed partial class vldbentry ", afs["yfsvl.xg.cs"]);
        Assert.Contains("global::Golden.Vl.vldbentry", afs["yfsvl.xg.cs"]);
    }
}
