using System;
using System.Collections.Generic;
using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Model;

namespace RxGen.Compiler.Emit;

/// <summary>Which file declares each definition, and each declaring file's namespace: the input's from
/// <see cref="EmitOptions.Namespace"/>, any file's from <see cref="EmitOptions.FileNamespaces"/> (by path or file
/// name), else a default from the file's first package or program, or its file name.</summary>
internal sealed class OutputLayout
{
    private readonly InterfaceModel _model;
    private readonly EmitOptions _options;
    private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);

    public OutputLayout(InterfaceModel model, EmitOptions options)
    {
        _model = model;
        _options = options;
        Input = PathNames.Normalize(model.Path);
        var files = new List<string> { Input };
        var seen = new HashSet<string>(StringComparer.Ordinal) { Input };
        void Add(SourceLocation location)
        {
            var file = FileOf(location);
            if (seen.Add(file)) files.Add(file);
        }
        foreach (var c in model.Constants) Add(c.Location);
        foreach (var t in model.Types) Add(t.Location);
        foreach (var p in model.Packages) Add(p.Location);
        foreach (var p in model.Programs) Add(p.Location);
        Files = files;
    }

    /// <summary>The input file (normalized).</summary>
    public string Input { get; }

    /// <summary>Every declaring file, the input first.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The declaring file of a location; built-in definitions (no path) belong to the input.</summary>
    public string FileOf(SourceLocation location) => location.Path.Length == 0 ? Input : PathNames.Normalize(location.Path);

    public string NamespaceOf(string file)
    {
        if (_namespaces.TryGetValue(file, out var known)) return known;
        var ns = Configured(file) ?? (file == Input ? _options.Namespace : null) ?? Default(file);
        _namespaces[file] = ns;
        return ns;
    }

    private string? Configured(string file)
    {
        var name = PathNames.FileName(file);
        string? byName = null;
        foreach (var pair in _options.FileNamespaces)
        {
            var key = PathNames.Normalize(pair.Key);
            if (key == file) return pair.Value;
            if (key.IndexOf('/') < 0 ? key == name : file.EndsWith("/" + key, StringComparison.Ordinal)) byName ??= pair.Value;
        }
        return byName;
    }

    private string Default(string file)
    {
        var name = _model.Packages.FirstOrDefault(p => FileOf(p.Location) == file)?.Name
            ?? _model.Programs.FirstOrDefault(p => FileOf(p.Location) == file)?.Name;
        return name is null ? CSharpNames.Namespace(CSharpEmitter.FileBase(file)) : CSharpNames.Namespace(CSharpNames.PackageBase(name));
    }
}

/// <summary>Path spelling: '/' separators, no '.' or empty segments, '..' folded where it can be.</summary>
internal static class PathNames
{
    public static string Normalize(string path)
    {
        path = path.Replace('\\', '/');
        if (path.IndexOf("/.", StringComparison.Ordinal) < 0 && path.IndexOf("//", StringComparison.Ordinal) < 0 && !path.StartsWith("./", StringComparison.Ordinal)) return path;
        var rooted = path.StartsWith("/", StringComparison.Ordinal);
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..") { parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return (rooted ? "/" : "") + string.Join("/", parts);
    }

    public static string FileName(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return path.Substring(slash + 1);
    }
}
