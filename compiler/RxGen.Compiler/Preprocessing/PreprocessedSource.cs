using System;
using System.Collections.Generic;
using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Preprocessing;

/// <summary>
/// The result of <see cref="Preprocessor.Run"/>. <see cref="Text"/> has exactly one line per physical input line
/// (included files spliced in after the blank line of their <c>#include</c>); directive lines, lines of inactive
/// <c>#if</c> groups and '%' lines are empty, every other line is the original line byte for byte (comments too), so
/// a column in <see cref="Text"/> is the column in the original file. Each line of <see cref="Text"/> ends with '\n'.
/// Immutable; safe to share between threads.
/// </summary>
public sealed class PreprocessedSource
{
    private readonly LineRun[] _runs;
    private readonly SourceLocation _endLocation;
    private readonly MacroTable _macroTable;
    private readonly Dictionary<string, MacroDefinition> _macros;
    private readonly Dictionary<string, FunctionMacroDefinition> _functionMacros;
    private int[]? _textLineStarts;

    internal PreprocessedSource(
        string text,
        LineRun[] runs,
        int lineCount,
        SourceLocation endLocation,
        PassThroughLine[] passThrough,
        PassThroughDefine[] passThroughDefines,
        MacroTable macros,
        string[] includedFiles,
        Diagnostic[] diagnostics)
    {
        Text = text;
        _runs = runs;
        Lines = new LineList(runs, lineCount);
        _endLocation = endLocation;
        PassThrough = passThrough;
        PassThroughDefines = passThroughDefines;
        _macroTable = macros;
        _macros = macros.ObjectLikeDefinitions();
        _functionMacros = macros.FunctionLikeDefinitions();
        IncludedFiles = includedFiles;
        Diagnostics = diagnostics;
    }

    public string Text { get; }

    /// <summary>One entry per line of <see cref="Text"/>: the file and 1-based line it came from (computed from
    /// <see cref="LineRunCount"/> runs of consecutive lines, not stored per line).</summary>
    public IReadOnlyList<LineOrigin> Lines { get; }

    /// <summary>How many entries the source map holds: one per run of consecutive lines of one file.</summary>
    public int LineRunCount => _runs.Length;

    /// <summary>'%' lines of active regions, in input order (includes spliced in).</summary>
    public IReadOnlyList<PassThroughLine> PassThrough { get; }

    /// <summary>The '%' lines of the form <c>#define NAME value</c> (not inside a comment begun on an earlier '%' line).</summary>
    public IReadOnlyList<PassThroughDefine> PassThroughDefines { get; }

    /// <summary>Object-like macros alive at the end, including -D and the predefined <c>RPC_HDR</c>, in definition order.</summary>
    public IReadOnlyDictionary<string, MacroDefinition> Macros => _macros;

    /// <summary>Function-like macros alive at the end (never expanded by the preprocessor), in definition order.</summary>
    public IReadOnlyDictionary<string, FunctionMacroDefinition> FunctionMacros => _functionMacros;

    /// <summary>Resolved ('/'-separated, normalized) paths of every included file, in the order first read, each once.
    /// The main file is not listed.</summary>
    public IReadOnlyList<string> IncludedFiles { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool HasErrors
    {
        get
        {
            foreach (Diagnostic d in Diagnostics)
            {
                if (d.IsError)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Maps a position in <see cref="Text"/> (1-based line and column) to the original file. A line past the end maps
    /// to the end of the main file; a line below 1 is treated as line 1 and a column below 1 as column 1.
    /// </summary>
    public SourceLocation Map(int line, int column) => Map(line, column, 0);

    /// <summary>Like <see cref="Map(int, int)"/>, with the span length recorded in the location.</summary>
    public SourceLocation Map(int line, int column, int length)
    {
        if (line > Lines.Count || Lines.Count == 0)
        {
            return _endLocation;
        }

        if (line < 1)
        {
            line = 1;
        }

        if (column < 1)
        {
            column = 1;
        }

        LineRun run = _runs[FindRun(_runs, line - 1)];
        int fileLine = run.FirstFileLine + (line - 1 - run.FirstTextLine);
        return new SourceLocation(run.Path, fileLine + 1, column, run.Starts[fileLine] + column - 1, Math.Max(0, length));
    }

    /// <summary>
    /// Like <see cref="Map(int, int)"/> for a position inside a line of <see cref="Text"/>, as a file's line table and
    /// an offset into that file (<see cref="SourceLines.Locate"/> gives the same location back). False for a position
    /// that <see cref="Map(int, int)"/> clamps or maps to the end of the main file.
    /// </summary>
    internal bool TryMapCompact(int line, int column, out SourceLines lines, out int offset)
    {
        lines = null!;
        offset = 0;
        if (line < 1 || column < 1 || line > Lines.Count)
        {
            return false;
        }

        LineRun run = _runs[FindRun(_runs, line - 1)];
        int fileLine = run.FirstFileLine + (line - 1 - run.FirstTextLine);
        int[] starts = run.Starts;
        long at = (long)starts[fileLine] + column - 1;
        // The offset must fall inside that line, so that the line found from it is the same.
        if (at > int.MaxValue || (fileLine + 1 < starts.Length && at >= starts[fileLine + 1]))
        {
            return false;
        }

        lines = run.Lines;
        offset = (int)at;
        return true;
    }

    /// <summary>The index of the run that holds 0-based output line <paramref name="line"/>.</summary>
    private static int FindRun(LineRun[] runs, int line)
    {
        int lo = 0;
        int hi = runs.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (runs[mid].FirstTextLine <= line)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary><see cref="Lines"/>: a read-only view over the runs.</summary>
    private sealed class LineList : IReadOnlyList<LineOrigin>
    {
        private readonly LineRun[] _runs;

        public LineList(LineRun[] runs, int count)
        {
            _runs = runs;
            Count = count;
        }

        public int Count { get; }

        public LineOrigin this[int index]
        {
            get
            {
                if ((uint)index >= (uint)Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(index));
                }

                LineRun run = _runs[FindRun(_runs, index)];
                return new LineOrigin(run.Path, run.FirstFileLine + (index - run.FirstTextLine) + 1);
            }
        }

        public IEnumerator<LineOrigin> GetEnumerator()
        {
            foreach (LineRun run in _runs)
            {
                for (int i = 0; i < run.Count; i++)
                {
                    yield return new LineOrigin(run.Path, run.FirstFileLine + i + 1);
                }
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Maps a 0-based character offset into <see cref="Text"/> to the original file.</summary>
    public SourceLocation MapOffset(int offset, int length = 0)
    {
        int[] starts = _textLineStarts ??= ComputeTextLineStarts();
        if (offset < 0)
        {
            offset = 0;
        }

        if (starts.Length == 0 || offset >= Text.Length)
        {
            return _endLocation;
        }

        int lo = 0;
        int hi = starts.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (starts[mid] <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return Map(lo + 1, offset - starts[lo] + 1, length);
    }

    /// <summary>
    /// Evaluates the body of macro <paramref name="name"/> (as alive at the end) as a constant expression, expanding
    /// other macros as cpp would. Unknown identifiers, function-like macros and macros that expand to themselves are
    /// errors.
    /// </summary>
    public bool TryEvaluateMacro(string name, out long value, out string? error)
    {
        if (name == null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        if (!_macroTable.TryGet(name, out MacroEntry entry))
        {
            value = 0;
            error = "'" + name + "' is not a defined macro";
            return false;
        }

        if (entry.IsFunctionLike)
        {
            value = 0;
            error = "'" + name + "' is a function-like macro";
            return false;
        }

        if (entry.Body.Length == 0)
        {
            value = 0;
            error = "macro '" + name + "' is empty";
            return false;
        }

        return ExpressionEvaluator.TryEvaluate(name, _macroTable.StrictEnvironment, out value, out error);
    }

    /// <summary>Evaluates <paramref name="expression"/> with the macros alive at the end (unknown identifiers are errors).</summary>
    public bool TryEvaluateExpression(string expression, out long value, out string? error)
    {
        if (expression == null)
        {
            throw new ArgumentNullException(nameof(expression));
        }

        return ExpressionEvaluator.TryEvaluate(expression, _macroTable.StrictEnvironment, out value, out error);
    }

    private int[] ComputeTextLineStarts()
    {
        var starts = new List<int>(Lines.Count);
        int pos = 0;
        while (pos < Text.Length)
        {
            starts.Add(pos);
            int newline = Text.IndexOf('\n', pos);
            pos = newline < 0 ? Text.Length : newline + 1;
        }

        return starts.ToArray();
    }
}
