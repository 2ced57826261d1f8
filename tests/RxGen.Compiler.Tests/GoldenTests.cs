using System.Collections.Generic;
using System.IO;
using System.Linq;
using RxGen.Compiler.Emit;

namespace RxGen.Compiler.Tests;

/// <summary>The checked-in outputs under tests/Golden are exactly what the compiler produces now
/// (regenerate with scripts/update-golden.sh after an intended change and review the diff).</summary>
public class GoldenTests
{
    public static IEnumerable<object[]> Manifest() =>
        File.ReadAllLines(Repo.PathOf("tests/Golden/manifest.txt"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("#"))
            .Select(l => new object[] { l.Trim() });

    [Theory]
    [MemberData(nameof(Manifest))]
    public void Output_matches_the_checked_in_golden_file(string line)
    {
        var parts = line.Split(' ', System.StringSplitOptions.RemoveEmptyEntries);
        var includes = new List<string>();
        for (var i = 2; i < parts.Length; i++)
            if (parts[i] == "-I") includes.Add(parts[++i]);
        // The CLI is run from the repository root with relative paths; do the same.
        var cwd = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Repo.Root);
        try
        {
            var result = Idl.CompileFile(parts[0], includes, new EmitOptions(parts[1]));
            Assert.True(result.Success, Idl.Errors(result));
            var file = Assert.Single(result.Files);
            var golden = File.ReadAllText(Repo.PathOf("tests/Golden/" + file.FileName));
            Assert.Equal(golden, file.Text);
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
        }
    }
}
