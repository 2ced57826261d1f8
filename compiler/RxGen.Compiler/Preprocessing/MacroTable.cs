using System;
using System.Collections.Generic;
using System.Text;
using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Preprocessing;

/// <summary>A macro as the preprocessor keeps it. Function-like macros are kept only so that <c>defined</c>,
/// <c>#undef</c> and redefinition checks work; their bodies are never expanded.</summary>
internal sealed class MacroEntry
{
    public MacroEntry(string name, string body, bool isFunctionLike, SourceLocation location, string[]? parameters = null, string? functionBody = null)
    {
        Name = name;
        Body = body;
        IsFunctionLike = isFunctionLike;
        Location = location;
        Parameters = parameters;
        FunctionBody = functionBody;
    }

    /// <summary>For a function-like macro: its parameter names.</summary>
    public string[]? Parameters { get; }

    /// <summary>For a function-like macro: its canonical replacement list.</summary>
    public string? FunctionBody { get; }

    public string Name { get; }

    /// <summary>The canonical replacement list; for a function-like macro, the parameter list followed by the body.</summary>
    public string Body { get; }

    public bool IsFunctionLike { get; }

    public SourceLocation Location { get; }

    public long Sequence { get; set; }

    public bool SameDefinitionAs(MacroEntry other) => IsFunctionLike == other.IsFunctionLike && string.Equals(Body, other.Body, StringComparison.Ordinal);
}

/// <summary>The macros of one preprocessor run. Not shared between runs.</summary>
internal sealed class MacroTable
{
    private readonly Dictionary<string, MacroEntry> _macros = new(StringComparer.Ordinal);
    private long _sequence;

    public MacroTable()
    {
        ConditionEnvironment = new Environment(this, undefinedIsZero: true);
        StrictEnvironment = new Environment(this, undefinedIsZero: false);
    }

    /// <summary>For <c>#if</c>: undefined identifiers are 0.</summary>
    public IExpressionEnvironment ConditionEnvironment { get; }

    /// <summary>For constants: undefined identifiers and self-referencing macros are errors.</summary>
    public IExpressionEnvironment StrictEnvironment { get; }

    /// <summary>Adds or replaces a macro; returns the definition it replaced, if any.</summary>
    public MacroEntry? Define(MacroEntry entry)
    {
        _macros.TryGetValue(entry.Name, out MacroEntry? previous);
        entry.Sequence = ++_sequence;
        _macros[entry.Name] = entry;
        return previous;
    }

    public void Undefine(string name) => _macros.Remove(name);

    public bool IsDefined(string name) => _macros.ContainsKey(name);

    public bool TryGet(string name, out MacroEntry entry) => _macros.TryGetValue(name, out entry!);

    /// <summary>The object-like macro body of <paramref name="name"/>, or null.</summary>
    public string? ObjectBody(string name) =>
        _macros.TryGetValue(name, out MacroEntry? e) && !e.IsFunctionLike ? e.Body : null;

    /// <summary>Object-like macros in the order of their (latest) definition.</summary>
    public Dictionary<string, MacroDefinition> ObjectLikeDefinitions()
    {
        var entries = new List<MacroEntry>();
        foreach (MacroEntry e in _macros.Values)
        {
            if (!e.IsFunctionLike)
            {
                entries.Add(e);
            }
        }

        entries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var result = new Dictionary<string, MacroDefinition>(StringComparer.Ordinal);
        foreach (MacroEntry e in entries)
        {
            result.Add(e.Name, new MacroDefinition(e.Name, e.Body, e.Location));
        }

        return result;
    }

    /// <summary>Function-like macros in the order of their (latest) definition.</summary>
    public Dictionary<string, FunctionMacroDefinition> FunctionLikeDefinitions()
    {
        var entries = new List<MacroEntry>();
        foreach (MacroEntry e in _macros.Values)
        {
            if (e.IsFunctionLike)
            {
                entries.Add(e);
            }
        }

        entries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var result = new Dictionary<string, FunctionMacroDefinition>(StringComparer.Ordinal);
        foreach (MacroEntry e in entries)
        {
            result.Add(e.Name, new FunctionMacroDefinition(e.Name, e.Parameters ?? Array.Empty<string>(), e.FunctionBody ?? string.Empty, e.Location));
        }

        return result;
    }

    /// <summary>
    /// Builds a function-like macro from the text after its name, which starts with '('. Returns null (with a message)
    /// when the parameter list is malformed.
    /// </summary>
    public static MacroEntry? ParseFunctionLike(string name, string text, int open, SourceLocation location, out string? error)
    {
        error = null;
        int close = text.IndexOf(')', open + 1);
        if (close < 0)
        {
            error = "missing ')' in the parameter list of macro '" + name + "'";
            return null;
        }

        var parameters = new List<string>();
        string list = text.Substring(open + 1, close - open - 1);
        if (list.Trim().Length > 0)
        {
            string[] parts = list.Split(',');
            for (int i = 0; i < parts.Length; i++)
            {
                string p = parts[i].Trim();
                bool variadic = p.EndsWith("...", StringComparison.Ordinal);
                string id = variadic ? p.Substring(0, p.Length - 3).TrimEnd() : p;
                bool valid = (variadic && i == parts.Length - 1 && (id.Length == 0 || PreprocessorRun.IdentifierLength(id, 0) == id.Length))
                    || (!variadic && id.Length > 0 && PreprocessorRun.IdentifierLength(id, 0) == id.Length);
                if (!valid || parameters.Contains(id))
                {
                    error = "invalid parameter list of macro '" + name + "'";
                    return null;
                }

                parameters.Add(variadic ? id + "..." : id);
            }
        }

        string body = Canonicalize(text, close + 1);
        string canonical = "(" + string.Join(",", parameters) + ") " + body;
        return new MacroEntry(name, canonical, true, location, parameters.ToArray(), body);
    }

    /// <summary>Collapses each run of white space outside literals to one space and trims, as cpp compares bodies.</summary>
    public static string Canonicalize(string text, int start)
    {
        var sb = new StringBuilder(Math.Max(0, text.Length - start));
        bool pendingSpace = false;
        int i = start;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n')
            {
                pendingSpace = sb.Length > 0;
                i++;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            if (c == '"' || c == '\'')
            {
                int j = i + 1;
                while (j < text.Length && text[j] != c)
                {
                    j += text[j] == '\\' ? 2 : 1;
                }

                j = Math.Min(text.Length, j + 1);
                sb.Append(text, i, j - i);
                i = j;
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    private sealed class Environment : IExpressionEnvironment
    {
        private readonly MacroTable _table;

        public Environment(MacroTable table, bool undefinedIsZero)
        {
            _table = table;
            UndefinedIsZero = undefinedIsZero;
        }

        public bool UndefinedIsZero { get; }

        public IdentifierKind Lookup(string name, out long value, out string? body)
        {
            value = 0;
            body = null;
            if (!_table._macros.TryGetValue(name, out MacroEntry? e))
            {
                return IdentifierKind.Undefined;
            }

            if (e.IsFunctionLike)
            {
                return IdentifierKind.FunctionMacro;
            }

            body = e.Body;
            return IdentifierKind.ObjectMacro;
        }
    }
}
