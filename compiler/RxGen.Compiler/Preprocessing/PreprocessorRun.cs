using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Preprocessing;

/// <summary>The state of one <see cref="Preprocessor.Run"/> call. Everything here lives for that call only.</summary>
internal sealed class PreprocessorRun
{
    internal const int MaxIncludeDepth = 64;
    internal const string CommandLinePath = "<command-line>";
    internal const string BuiltInPath = "<built-in>";

    private readonly PreprocessorOptions _options;
    private readonly ISourceProvider _sources;
    private readonly CancellationToken _cancellationToken;

    private readonly StringBuilder _text = new();
    private readonly List<LineRun> _lines = new();
    private int _lineCount;

    // While every line emitted so far is the main file's own line with its '\n' (no directive, no include, no other
    // line end), the output is a prefix of the main file's text and nothing is copied (issue 16: a large input that
    // the preprocessor leaves alone is not held twice).
    private SourceFile? _main;
    private bool _sharing = true;
    private int _sharedEnd;
    private readonly List<PassThroughLine> _passThrough = new();
    private readonly List<PassThroughDefine> _passThroughDefines = new();
    private readonly MacroTable _macros = new();
    private readonly List<string> _includedFiles = new();
    private readonly HashSet<string> _includedSet = new(StringComparer.Ordinal);
    private readonly List<Diagnostic> _diagnostics = new();
    private readonly List<SourceFile> _open = new();
    private readonly Dictionary<string, string?> _loaded = new(StringComparer.Ordinal);
    private readonly StringBuilder _directiveText = new();
    private readonly List<int> _directiveOffsets = new();

    public PreprocessorRun(PreprocessorOptions options, ISourceProvider sources, CancellationToken cancellationToken)
    {
        _options = options;
        _sources = sources;
        _cancellationToken = cancellationToken;
    }

    public PreprocessedSource Execute(string path, string text)
    {
        DefinePredefinedMacros();
        var main = new SourceFile(path, IncludePath.Normalize(path), CheckLength(path, text, new SourceLocation(path, 1, 1)) ? text : string.Empty);
        _main = main;
        _open.Add(main);
        ProcessFile(main);
        _open.RemoveAt(_open.Count - 1);

        string output = !_sharing ? _text.ToString() : _sharedEnd == main.Text.Length ? main.Text : main.Text.Substring(0, _sharedEnd);
        _text.Clear();
        return new PreprocessedSource(
            output,
            _lines.ToArray(),
            _lineCount,
            main.EndLocation(),
            _passThrough.ToArray(),
            _passThroughDefines.ToArray(),
            _macros,
            _includedFiles.ToArray(),
            _diagnostics.ToArray());
    }

    // ------------------------------------------------------------------ predefined and -D macros

    private void DefinePredefinedMacros()
    {
        // RxGen makes one pass, equivalent to rxgen's header pass (rxgen -h runs cpp with -DRPC_HDR).
        var builtIn = new SourceLocation(BuiltInPath, 0, 0);
        _macros.Define(new MacroEntry("RPC_HDR", "1", false, builtIn));

        var commandLine = new SourceLocation(CommandLinePath, 0, 0);
        foreach (KeyValuePair<string, string?> define in _options.Defines ?? Array.Empty<KeyValuePair<string, string?>>())
        {
            string key = (define.Key ?? string.Empty).Trim();
            int nameLength = IdentifierLength(key, 0);
            if (nameLength == 0 || (nameLength < key.Length && key[nameLength] != '('))
            {
                Report(DiagnosticDescriptors.BadDefine, commandLine, key);
                continue;
            }

            string name = key.Substring(0, nameLength);
            string value = define.Value ?? "1";
            MacroEntry? entry;
            if (nameLength < key.Length)
            {
                entry = MacroTable.ParseFunctionLike(name, key.Substring(nameLength) + " " + value, 0, commandLine, out string? error);
                if (entry == null)
                {
                    Report(DiagnosticDescriptors.BadMacroParameters, commandLine, name, error ?? "invalid macro parameter list");
                    continue;
                }
            }
            else
            {
                entry = new MacroEntry(name, MacroTable.Canonicalize(value, 0), false, commandLine);
            }

            MacroEntry? previous = _macros.Define(entry);
            if (previous != null && previous.Location.Path != BuiltInPath && !previous.SameDefinitionAs(entry))
            {
                Report(DiagnosticDescriptors.MacroRedefined, commandLine, name);
            }
        }
    }

    // ------------------------------------------------------------------ files

    private sealed class Conditional
    {
        public Conditional(string directive, SourceLocation location, bool parentActive, bool taken)
        {
            Directive = directive;
            Location = location;
            ParentActive = parentActive;
            Taken = taken;
            Active = parentActive && taken;
        }

        public string Directive { get; }

        public SourceLocation Location { get; }

        public bool ParentActive { get; }

        /// <summary>Some group of this #if chain has been selected (or, in an inactive parent, none may be).</summary>
        public bool Taken { get; set; }

        public bool Active { get; set; }

        public bool SeenElse { get; set; }
    }

    private void ProcessFile(SourceFile file)
    {
        var conditionals = new List<Conditional>();
        var cpp = default(CommentState); // what cpp sees: every line, '%' lines included
        var rx = default(CommentState);  // what rxgen's scanner sees: active lines that are neither '%' lines nor directives
        string text = file.Text;
        int count = file.LineCount;
        int line = 0;
        while (line < count)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            bool active = conditionals.Count == 0 || conditionals[conditionals.Count - 1].Active;
            int start = file.Starts[line];
            int end = file.Ends[line];

            if (start < end && text[start] == '%' && !rx.InBlock)
            {
                int lastPercent = file.LastOfLogicalLine(line);
                bool startsInComment = cpp.InBlock;
                LineScanner.Scan(file, line, lastPercent, ref cpp, null, null);
                if (active)
                {
                    AddPassThrough(file, line, lastPercent, startsInComment);
                }

                EmitBlank(file, line, lastPercent);
                line = lastPercent + 1;
                continue;
            }

            if (!cpp.InBlock)
            {
                int hash = SkipSpaceAndComments(text, start, end);
                if (hash < end && text[hash] == '#')
                {
                    line = Directive(file, line, hash, conditionals, ref cpp) + 1;
                    continue;
                }
            }

            int last = file.LastOfLogicalLine(line);
            if (active)
            {
                bool same = cpp.InBlock == rx.InBlock;
                LineScanner.Scan(file, line, last, ref cpp, null, null);
                if (same)
                {
                    rx = cpp;
                }
                else
                {
                    LineScanner.Scan(file, line, last, ref rx, null, null);
                }

                EmitText(file, line, last);
            }
            else
            {
                LineScanner.Scan(file, line, last, ref cpp, null, null);
                EmitBlank(file, line, last);
            }

            line = last + 1;
        }

        if (cpp.InBlock)
        {
            Report(DiagnosticDescriptors.UnterminatedComment, file.Location(cpp.StartOffset, 2));
        }

        foreach (Conditional open in conditionals)
        {
            Report(DiagnosticDescriptors.UnterminatedConditional, open.Location, open.Directive);
        }
    }

    private void EmitBlank(SourceFile file, int first, int last)
    {
        for (int k = first; k <= last; k++)
        {
            if (!Share(file, k, file.Starts[k] == file.Ends[k]))
            {
                _text.Append('\n');
            }

            AddLine(file, k);
        }
    }

    private void EmitText(SourceFile file, int first, int last)
    {
        for (int k = first; k <= last; k++)
        {
            if (!Share(file, k, true))
            {
                _text.Append(file.Text, file.Starts[k], file.Ends[k] - file.Starts[k]).Append('\n');
            }

            AddLine(file, k);
        }
    }

    /// <summary>True if line <paramref name="k"/> of <paramref name="file"/> is emitted as the next part of the main
    /// file's own text (<paramref name="asWritten"/>: the output line is the input line); otherwise copies what was
    /// shared so far into the output and stops sharing.</summary>
    private bool Share(SourceFile file, int k, bool asWritten)
    {
        if (!_sharing)
        {
            return false;
        }

        if (asWritten && file == _main && file.Starts[k] == _sharedEnd && file.Ends[k] < file.Text.Length && file.Text[file.Ends[k]] == '\n')
        {
            _sharedEnd = file.Ends[k] + 1;
            return true;
        }

        _sharing = false;
        _text.Append(_main!.Text, 0, _sharedEnd);
        return false;
    }

    /// <summary>Records where the next output line came from: a run of consecutive lines of one file is one entry.</summary>
    private void AddLine(SourceFile file, int k)
    {
        if (_lines.Count > 0)
        {
            LineRun run = _lines[_lines.Count - 1];
            if (run.Starts == file.Starts && run.FirstFileLine + run.Count == k)
            {
                run.Count++;
                _lineCount++;
                return;
            }
        }

        _lines.Add(new LineRun(_lineCount, file.Lines, k));
        _lineCount++;
    }

    // ------------------------------------------------------------------ '%' lines

    private void AddPassThrough(SourceFile file, int first, int last, bool startsInComment)
    {
        string text = file.Text;
        var sb = new StringBuilder();
        int firstSegmentEnd = first < last ? file.Ends[first] - 1 : file.Ends[first];
        sb.Append(text, file.Starts[first] + 1, firstSegmentEnd - file.Starts[first] - 1);
        for (int k = first + 1; k <= last; k++)
        {
            int s = file.Starts[k];
            int e = k < last ? file.Ends[k] - 1 : file.Ends[k];
            if (s < e && text[s] == '%')
            {
                s++; // a continuation line written as another '%' line
            }

            sb.Append(text, s, e - s);
        }

        string raw = sb.ToString();
        SourceLocation location = file.Location(first, file.Starts[first], file.Ends[last] - file.Starts[first]);
        string expanded = MacroExpander.Expand(raw, startsInComment, _macros);
        _passThrough.Add(new PassThroughLine(location, raw) { ExpandedText = expanded });

        if (!startsInComment && TryParsePassThroughDefine(raw, out string name, out int nameIndex, out string value))
        {
            int firstSegmentLength = firstSegmentEnd - file.Starts[first] - 1;
            SourceLocation nameLocation = nameIndex + name.Length <= firstSegmentLength
                ? file.Location(first, file.Starts[first] + 1 + nameIndex, name.Length)
                : location;
            _passThroughDefines.Add(new PassThroughDefine(name, value, nameLocation)
            {
                ExpandedValue = MacroExpander.Expand(value, false, _macros),
            });
        }
    }

    /// <summary>Recognizes <c>#define NAME value</c> (object-like) in the text of a '%' line.</summary>
    internal static bool TryParsePassThroughDefine(string raw, out string name, out int nameIndex, out string value)
    {
        name = string.Empty;
        value = string.Empty;
        nameIndex = 0;
        int p = SkipHorizontalSpace(raw, 0);
        if (p >= raw.Length || raw[p] != '#')
        {
            return false;
        }

        p = SkipHorizontalSpace(raw, p + 1);
        if (string.CompareOrdinal(raw, p, "define", 0, 6) != 0)
        {
            return false;
        }

        p += 6;
        if (p >= raw.Length || !IsHorizontalSpace(raw[p]))
        {
            return false;
        }

        p = SkipHorizontalSpace(raw, p);
        int length = IdentifierLength(raw, p);
        if (length == 0)
        {
            return false;
        }

        nameIndex = p;
        name = raw.Substring(p, length);
        p += length;
        if (p < raw.Length && raw[p] == '(')
        {
            return false; // function-like
        }

        value = raw.Substring(p).Trim();
        return true;
    }

    // ------------------------------------------------------------------ directives

    private sealed class DirectiveText
    {
        public DirectiveText(string text, int[] offsets)
        {
            Text = text;
            Offsets = offsets;
        }

        /// <summary>The logical line with splices removed and comments replaced by one space.</summary>
        public string Text { get; }

        /// <summary>The file offset of each character of <see cref="Text"/>.</summary>
        public int[] Offsets { get; }
    }

    /// <summary>Handles the directive whose '#' is at <paramref name="hash"/>; returns the last physical line it occupies.</summary>
    private int Directive(SourceFile file, int line, int hash, List<Conditional> conditionals, ref CommentState cpp)
    {
        // A directive runs to the end of its logical line; a comment that starts on it extends it to where the
        // comment ends (cpp removes comments before it looks at directives).
        _directiveText.Clear();
        _directiveOffsets.Clear();
        int last = file.LastOfLogicalLine(line);
        LineScanner.Scan(file, line, last, ref cpp, _directiveText, _directiveOffsets);
        while (cpp.InBlock && last + 1 < file.LineCount)
        {
            int next = last + 1;
            last = file.LastOfLogicalLine(next);
            LineScanner.Scan(file, next, last, ref cpp, _directiveText, _directiveOffsets);
        }

        var d = new DirectiveText(_directiveText.ToString(), _directiveOffsets.ToArray());
        EmitBlank(file, line, last);

        int lineEnd = file.Ends[line];
        while (lineEnd > hash && IsHorizontalSpace(file.Text[lineEnd - 1]))
        {
            lineEnd--;
        }

        SourceLocation location = file.Location(line, hash, lineEnd - hash);
        bool active = conditionals.Count == 0 || conditionals[conditionals.Count - 1].Active;

        string s = d.Text;
        int p = SkipHorizontalSpace(s, SkipHorizontalSpace(s, 0) + 1); // past the '#' (comments before it are spaces now)
        int nameLength = IdentifierLength(s, p);
        if (nameLength == 0)
        {
            if (p >= s.Length || (s[p] >= '0' && s[p] <= '9'))
            {
                return last; // null directive, or a cpp line marker '# 12 "file"'
            }

            if (active)
            {
                Report(DiagnosticDescriptors.BadDirective, location, s[p].ToString());
            }

            return last;
        }

        string name = s.Substring(p, nameLength);
        p = SkipHorizontalSpace(s, p + nameLength);
        switch (name)
        {
            case "if":
            case "ifdef":
            case "ifndef":
            {
                bool taken = false;
                if (active)
                {
                    taken = name == "if" ? EvaluateCondition(s, p, location) : TestDefined(name, s, p, location);
                }

                conditionals.Add(new Conditional(name, location, active, taken));
                return last;
            }

            case "elif":
            case "elifdef":
            case "elifndef":
            {
                if (conditionals.Count == 0)
                {
                    Report(DiagnosticDescriptors.UnmatchedDirective, location, name);
                    return last;
                }

                Conditional c = conditionals[conditionals.Count - 1];
                if (c.SeenElse)
                {
                    if (c.ParentActive)
                    {
                        Report(DiagnosticDescriptors.MisplacedElse, location, name);
                    }

                    c.Active = false;
                    return last;
                }

                if (!c.ParentActive)
                {
                    return last;
                }

                if (c.Taken)
                {
                    c.Active = false;
                    return last;
                }

                bool taken = name == "elif" ? EvaluateCondition(s, p, location) : TestDefined(name, s, p, location);
                c.Taken = taken;
                c.Active = taken;
                return last;
            }

            case "else":
            {
                if (conditionals.Count == 0)
                {
                    Report(DiagnosticDescriptors.UnmatchedDirective, location, name);
                    return last;
                }

                Conditional c = conditionals[conditionals.Count - 1];
                if (c.SeenElse)
                {
                    if (c.ParentActive)
                    {
                        Report(DiagnosticDescriptors.MisplacedElse, location, "else");
                    }

                    c.Active = false;
                    return last;
                }

                c.SeenElse = true;
                c.Active = c.ParentActive && !c.Taken;
                c.Taken = true;
                return last;
            }

            case "endif":
                if (conditionals.Count == 0)
                {
                    Report(DiagnosticDescriptors.UnmatchedDirective, location, name);
                }
                else
                {
                    conditionals.RemoveAt(conditionals.Count - 1);
                }

                return last;
        }

        if (!active)
        {
            return last; // in a skipped group only the nesting matters
        }

        switch (name)
        {
            case "include":
                IncludeDirective(file, d, p, location);
                break;
            case "define":
                DefineDirective(d, p, location);
                break;
            case "undef":
            {
                int length = IdentifierLength(s, p);
                if (length == 0)
                {
                    ReportMacroName("undef", s, p, location);
                }
                else
                {
                    _macros.Undefine(s.Substring(p, length));
                }

                break;
            }

            case "error":
                Report(DiagnosticDescriptors.ErrorDirective, location, s.Substring(p).Trim());
                break;
            case "pragma":
            case "line":
            case "ident":
            case "sccs":
            case "warning":
                break;
            default:
                Report(DiagnosticDescriptors.BadDirective, location, name);
                break;
        }

        return last;
    }

    private bool EvaluateCondition(string s, int p, SourceLocation location)
    {
        string expression = s.Substring(p).Trim();
        if (ExpressionEvaluator.TryEvaluate(expression, _macros.ConditionEnvironment, out long value, out string? error))
        {
            return value != 0;
        }

        Report(DiagnosticDescriptors.BadExpression, location, expression, error ?? "invalid expression");
        return false;
    }

    private bool TestDefined(string directive, string s, int p, SourceLocation location)
    {
        int length = IdentifierLength(s, p);
        if (length == 0)
        {
            ReportMacroName(directive, s, p, location);
            return false;
        }

        bool isDefined = _macros.IsDefined(s.Substring(p, length));
        return directive.EndsWith("ndef", StringComparison.Ordinal) ? !isDefined : isDefined;
    }

    private void DefineDirective(DirectiveText d, int p, SourceLocation location)
    {
        string s = d.Text;
        int length = IdentifierLength(s, p);
        if (length == 0)
        {
            ReportMacroName("define", s, p, location);
            return;
        }

        string name = s.Substring(p, length);
        if (name == "defined")
        {
            Report(DiagnosticDescriptors.BadMacroName, location, name);
            return;
        }

        SourceFile file = _open[_open.Count - 1];
        SourceLocation nameLocation = file.Location(d.Offsets[p], length);
        int after = p + length;
        MacroEntry? entry;
        if (after < s.Length && s[after] == '(')
        {
            entry = MacroTable.ParseFunctionLike(name, s, after, nameLocation, out string? error);
            if (entry == null)
            {
                Report(DiagnosticDescriptors.BadMacroParameters, location, name, error ?? "invalid macro parameter list");
                return;
            }
        }
        else
        {
            entry = new MacroEntry(name, MacroTable.Canonicalize(s, after), false, nameLocation);
        }

        MacroEntry? previous = _macros.Define(entry);
        if (previous != null && !previous.SameDefinitionAs(entry))
        {
            Report(DiagnosticDescriptors.MacroRedefined, location, name);
        }
    }

    private void IncludeDirective(SourceFile file, DirectiveText d, int p, SourceLocation location)
    {
        string s = d.Text;
        if (p < s.Length && IdentifierLength(s, p) > 0)
        {
            // A computed include: #include MACRO, where MACRO expands to "file" or <file>.
            s = MacroExpander.Expand(s.Substring(p), false, _macros).Trim();
            p = 0;
        }

        if (p < s.Length && (s[p] == '"' || s[p] == '<'))
        {
            char close = s[p] == '"' ? '"' : '>';
            int end = s.IndexOf(close, p + 1);
            if (end < 0)
            {
                Report(DiagnosticDescriptors.BadInclude, location, "is missing its terminating " + close + " character");
                return;
            }

            string name = s.Substring(p + 1, end - p - 1);
            if (name.Length == 0)
            {
                Report(DiagnosticDescriptors.BadInclude, location, "has an empty file name");
                return;
            }

            if (close == '>')
            {
                Report(DiagnosticDescriptors.SystemInclude, location, name);
                return;
            }

            Include(file, name, location);
            return;
        }

        Report(DiagnosticDescriptors.BadInclude, location, "has no file name");
    }

    private void Include(SourceFile includer, string name, SourceLocation location)
    {
        if (_open.Count - 1 >= MaxIncludeDepth)
        {
            Report(DiagnosticDescriptors.IncludeTooDeep, location, MaxIncludeDepth);
            return;
        }

        var candidates = new List<string>();
        if (IncludePath.IsAbsolute(name))
        {
            candidates.Add(IncludePath.Normalize(name));
        }
        else
        {
            candidates.Add(IncludePath.Normalize(IncludePath.Join(IncludePath.DirectoryOf(includer.Key), name)));
            foreach (string directory in _options.IncludeDirectories ?? Array.Empty<string>())
            {
                if (!string.IsNullOrEmpty(directory))
                {
                    candidates.Add(IncludePath.Normalize(IncludePath.Join(directory, name)));
                }
            }
        }

        foreach (string candidate in candidates)
        {
            int openIndex = _open.FindIndex(f => string.Equals(f.Key, candidate, StringComparison.Ordinal));
            if (openIndex >= 0 && !IsGuardedNow(_open[openIndex]))
            {
                var chain = new StringBuilder();
                for (int k = openIndex; k < _open.Count; k++)
                {
                    chain.Append(_open[k].Path).Append(" -> ");
                }

                chain.Append(_open[openIndex].Path);
                Report(DiagnosticDescriptors.IncludeCycle, location, _open[openIndex].Path, chain.ToString());
                return;
            }

            if (TryLoad(candidate, out string text))
            {
                if (!CheckLength(candidate, text, location))
                {
                    return;
                }

                if (_includedSet.Add(candidate))
                {
                    _includedFiles.Add(candidate);
                }

                var included = new SourceFile(candidate, candidate, text);
                _open.Add(included);
                try
                {
                    ProcessFile(included);
                }
                finally
                {
                    _open.RemoveAt(_open.Count - 1);
                }

                return;
            }
        }

        Report(DiagnosticDescriptors.IncludeNotFound, location, name);
    }

    /// <summary>
    /// True if <paramref name="file"/> is wrapped in an include guard (<c>#ifndef X</c> or <c>#if !defined X</c> first,
    /// its matching <c>#endif</c> last, only comments and white space around them) whose macro is defined now: including it
    /// again, even from inside itself, yields nothing, so cpp accepts the cycle and so does RxGen.
    /// </summary>
    private bool IsGuardedNow(SourceFile file)
    {
        if (!_guards.TryGetValue(file.Key, out string? guard))
        {
            guard = FindGuard(file);
            _guards[file.Key] = guard;
        }

        return guard != null && _macros.IsDefined(guard);
    }

    private readonly Dictionary<string, string?> _guards = new(StringComparer.Ordinal);

    internal static string? FindGuard(SourceFile file)
    {
        var state = default(CommentState);
        var sb = new StringBuilder();
        string? guard = null;
        int depth = 0;
        bool closed = false;
        int line = 0;
        while (line < file.LineCount)
        {
            int last = file.LastOfLogicalLine(line);
            bool startsInComment = state.InBlock;
            sb.Clear();
            LineScanner.Scan(file, line, last, ref state, sb, null);
            line = last + 1;
            string s = sb.ToString();
            int p = SkipHorizontalSpace(s, 0);
            if (p >= s.Length)
            {
                continue;
            }

            if (closed || startsInComment || s[p] != '#')
            {
                if (closed || guard == null)
                {
                    return null; // text before the guard or after its #endif
                }

                continue; // text inside the guard
            }

            p = SkipHorizontalSpace(s, p + 1);
            int nameLength = IdentifierLength(s, p);
            string name = s.Substring(p, nameLength);
            p = SkipHorizontalSpace(s, p + nameLength);
            if (guard == null)
            {
                if (name == "ifndef")
                {
                    guard = s.Substring(p, IdentifierLength(s, p));
                }
                else if (name == "if" && s.Length > p && s[p] == '!')
                {
                    p = SkipHorizontalSpace(s, p + 1);
                    if (string.CompareOrdinal(s, p, "defined", 0, 7) != 0)
                    {
                        return null;
                    }

                    p = SkipHorizontalSpace(s, p + 7);
                    bool paren = p < s.Length && s[p] == '(';
                    p = paren ? SkipHorizontalSpace(s, p + 1) : p;
                    guard = s.Substring(p, IdentifierLength(s, p));
                    p = SkipHorizontalSpace(s, p + guard.Length);
                    if (paren && (p >= s.Length || s[p] != ')'))
                    {
                        return null;
                    }
                }

                if (string.IsNullOrEmpty(guard))
                {
                    return null;
                }

                depth = 1;
                continue;
            }

            switch (name)
            {
                case "if":
                case "ifdef":
                case "ifndef":
                    depth++;
                    break;
                case "endif":
                    closed = --depth == 0;
                    break;
                case "else":
                case "elif":
                case "elifdef":
                case "elifndef":
                    if (depth == 1)
                    {
                        return null;
                    }

                    break;
            }
        }

        return closed && !state.InBlock ? guard : null;
    }

    /// <summary>Applies <see cref="PreprocessorOptions.MaxFileLength"/> and <see cref="PreprocessorOptions.MaxTotalLength"/>
    /// to a file about to be read; false (and RXG0011 at <paramref name="location"/>) if it must not be.</summary>
    private bool CheckLength(string path, string text, SourceLocation location)
    {
        if (text.Length > _options.MaxFileLength)
        {
            Report(DiagnosticDescriptors.InputTooLarge, location, path, text.Length, _options.MaxFileLength);
            return false;
        }

        if (_totalLength + text.Length > _options.MaxTotalLength)
        {
            Report(DiagnosticDescriptors.InputTotalTooLarge, location, path, _options.MaxTotalLength);
            return false;
        }

        _totalLength += text.Length;
        return true;
    }

    private long _totalLength;

    private bool TryLoad(string path, out string text)
    {
        if (!_loaded.TryGetValue(path, out string? cached))
        {
            cached = _sources.TryGetText(path, out string found) ? found ?? string.Empty : null;
            _loaded[path] = cached;
        }

        text = cached ?? string.Empty;
        return cached != null;
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>RXG0013 when the directive ends where its macro name should be, else RXG0014 with what is there.</summary>
    private void ReportMacroName(string directive, string s, int p, SourceLocation location)
    {
        if (p >= s.Length)
        {
            Report(DiagnosticDescriptors.MissingMacroName, location, directive);
            return;
        }

        int end = p;
        while (end < s.Length && !char.IsWhiteSpace(s[end]) && end - p < 64)
        {
            end++;
        }

        Report(DiagnosticDescriptors.BadMacroName, location, s.Substring(p, Math.Max(1, end - p)));
    }

    private void Report(DiagnosticDescriptor descriptor, SourceLocation location, params object[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is string text)
            {
                args[i] = DisplayText.Escape(text);
            }
        }

        _diagnostics.Add(Diagnostic.Create(descriptor, location, args));
    }

    /// <summary>Skips white space and complete <c>/* */</c> comments within one physical line (cpp treats a comment
    /// as white space, so <c>/* x */ #define A 1</c> is a directive).</summary>
    private static int SkipSpaceAndComments(string text, int p, int end)
    {
        while (p < end)
        {
            if (IsHorizontalSpace(text[p]))
            {
                p++;
            }
            else if (text[p] == '/' && p + 1 < end && text[p + 1] == '*')
            {
                int close = text.IndexOf("*/", p + 2, end - p - 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return end;
                }

                p = close + 2;
            }
            else
            {
                break;
            }
        }

        return p;
    }

    internal static bool IsHorizontalSpace(char c) => c == ' ' || c == '\t' || c == '\f' || c == '\v';

    internal static int SkipHorizontalSpace(string s, int p)
    {
        while (p < s.Length && IsHorizontalSpace(s[p]))
        {
            p++;
        }

        return p;
    }

    /// <summary>Length of the C identifier that starts at <paramref name="p"/> (0 if none).</summary>
    internal static int IdentifierLength(string s, int p)
    {
        if (p >= s.Length || !ExpressionLexer.IsIdentifierStart(s[p]))
        {
            return 0;
        }

        int q = p + 1;
        while (q < s.Length && ExpressionLexer.IsIdentifierPart(s[q]))
        {
            q++;
        }

        return q - p;
    }
}
