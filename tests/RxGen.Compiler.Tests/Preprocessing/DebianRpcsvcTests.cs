using System;
using System.IO;
using System.Linq;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

/// <summary>Runs the preprocessor over Debian's /usr/include/rpcsvc/*.x (packages rpcsvc-proto, libnsl-dev, libtirpc-dev).</summary>
public sealed class DebianRpcsvcTests
{
    private const string Folder = "/usr/include/rpcsvc";

    /// <summary>The test host's <see cref="ISourceProvider"/>: reads the file system (the core never does).</summary>
    private sealed class FileSystemSources : ISourceProvider
    {
        public bool TryGetText(string path, out string text)
        {
            if (File.Exists(path))
            {
                text = File.ReadAllText(path);
                return true;
            }

            text = null!;
            return false;
        }
    }

    private static PreprocessedSource Run(string file)
    {
        string path = Path.Combine(Folder, file).Replace('\\', '/');
        return Preprocessor.Run(path, File.ReadAllText(path), new PreprocessorOptions(), new FileSystemSources());
    }

    [Fact]
    public void Every_rpcsvc_x_file_preprocesses_without_errors()
    {
        Assert.True(Directory.Exists(Folder), Folder + " is missing: run 'bash scripts/install-peers.sh' (rpcsvc-proto, libnsl-dev)");

        string[] files = Directory.GetFiles(Folder, "*.x").Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal).ToArray()!;
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            PreprocessedSource r = Run(file);
            Assert.True(!r.HasErrors, file + ":\n" + string.Join("\n", r.Diagnostics));
            Assert.Equal(File.ReadAllText(Path.Combine(Folder, file)).Split('\n').Length - 1, r.Lines.Count(l => l.Path.EndsWith("/" + file, StringComparison.Ordinal)));

            // Every non-empty line of Text is its original line, byte for byte.
            string[] text = r.Text.Split('\n');
            var originals = new System.Collections.Generic.Dictionary<string, string[]>(StringComparer.Ordinal);
            for (int i = 0; i < r.Lines.Count; i++)
            {
                if (text[i].Length > 0)
                {
                    LineOrigin origin = r.Lines[i];
                    if (!originals.TryGetValue(origin.Path, out string[]? lines))
                    {
                        originals[origin.Path] = lines = File.ReadAllLines(origin.Path);
                    }

                    Assert.Equal(lines[origin.Line - 1], text[i]);
                }
            }
        }
    }

    [Fact]
    public void Nis_x_includes_nis_object_x_and_joins_its_continued_percent_define()
    {
        Assert.True(File.Exists(Path.Combine(Folder, "nis.x")), "nis.x is missing: run 'bash scripts/install-peers.sh' (libnsl-dev)");

        PreprocessedSource r = Run("nis.x");

        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        Assert.Equal(new[] { Folder + "/nis_object.x" }, r.IncludedFiles);
        PassThroughDefine owner = Assert.Single(r.PassThroughDefines, d => d.Name == "OWNER_DEFAULT");
        Assert.StartsWith("((NIS_READ_ACC +", owner.Value);
        Assert.EndsWith("NIS_DESTROY_ACC) << 16)", owner.Value);
        Assert.DoesNotContain("\\", owner.Value);

        // The emitter can evaluate it from the other pass-through defines.
        var values = r.PassThroughDefines.ToDictionary(d => d.Name, d => d.Value);
        Func<string, long?>? resolve = null;
        resolve = name => values.TryGetValue(name, out string? v) && ConstantExpression.TryEvaluate(v, resolve!, out long x, out _) ? x : null;
        Assert.True(ConstantExpression.TryEvaluate(owner.Value, resolve, out long value, out string? error), error);
        Assert.Equal((1 + 2 + 4 + 8) << 16, value);

        // '%#define ENTRY_VAL(obj, col) \' continues onto a second '%' line: one pass-through line, no define.
        Assert.Single(r.PassThrough, p => p.Text.StartsWith("#define ENTRY_VAL(obj, col)", StringComparison.Ordinal) && p.Text.Contains("(obj)->EN_data"));
        Assert.DoesNotContain(r.PassThroughDefines, d => d.Name == "ENTRY_VAL");

        // '#if RPC_HDR' regions are active: their '%' lines are passed through.
        Assert.Contains(r.PassThrough, p => p.Text.Contains("struct nis_hash_data {"));
    }
}
