using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

/// <summary>An in-memory <see cref="ISourceProvider"/> that records every path it was asked for.</summary>
internal sealed class InMemorySources : ISourceProvider
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    public InMemorySources(params (string Path, string Text)[] files)
    {
        foreach ((string path, string text) in files)
        {
            _files[path] = text;
        }
    }

    public List<string> Requests { get; } = new();

    public InMemorySources Add(string path, string text)
    {
        _files[path] = text;
        return this;
    }

    public bool TryGetText(string path, out string text)
    {
        Requests.Add(path);
        if (_files.TryGetValue(path, out string? found))
        {
            text = found;
            return true;
        }

        text = null!;
        return false;
    }
}

internal static class PP
{
    public static PreprocessedSource Run(string text, InMemorySources? sources = null, PreprocessorOptions? options = null, string path = "main.xg") =>
        Preprocessor.Run(path, text, options ?? new PreprocessorOptions(), sources ?? new InMemorySources(), CancellationToken.None);

    public static PreprocessorOptions Defines(params string[] defines) => new()
    {
        Defines = defines.Select(d =>
        {
            int eq = d.IndexOf('=');
            return eq < 0 ? new KeyValuePair<string, string?>(d, null) : new KeyValuePair<string, string?>(d.Substring(0, eq), d.Substring(eq + 1));
        }).ToArray(),
    };

    /// <summary>The lines of <see cref="PreprocessedSource.Text"/> (without the final empty string after the last '\n').</summary>
    public static string[] TextLines(PreprocessedSource result)
    {
        string[] lines = result.Text.Split('\n');
        Assert.Equal(string.Empty, lines[lines.Length - 1]);
        return lines.Take(lines.Length - 1).ToArray();
    }

    /// <summary>The non-empty lines of Text, trimmed.</summary>
    public static string[] Code(PreprocessedSource result) =>
        TextLines(result).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    public static void NoDiagnostics(PreprocessedSource result) =>
        Assert.True(result.Diagnostics.Count == 0, "unexpected diagnostics:\n" + string.Join("\n", result.Diagnostics));

    public static Diagnostic Single(PreprocessedSource result, string id)
    {
        Diagnostic[] matching = result.Diagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(matching.Length == 1, "expected one " + id + ", got:\n" + string.Join("\n", result.Diagnostics));
        return matching[0];
    }

    public static void At(Diagnostic d, string path, int line, int column)
    {
        Assert.Equal(path, d.Location.Path);
        Assert.Equal(line, d.Location.Line);
        Assert.Equal(column, d.Location.Column);
    }
}
