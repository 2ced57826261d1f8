using System.Collections.Generic;
using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Preprocessing;

/// <summary>Where one line of <see cref="PreprocessedSource.Text"/> came from: a file and its 1-based line.</summary>
public readonly record struct LineOrigin(string Path, int Line);

/// <summary>
/// A '%' line of an active region. <see cref="Text"/> is the line without its leading '%'; lines continued with
/// backslash-newline are joined (backslash and newline removed, and a '%' that starts a continuation line is dropped too).
/// </summary>
public sealed record PassThroughLine(SourceLocation Location, string Text)
{
    /// <summary><see cref="Text"/> with the object-like macros alive at that point expanded outside comments and
    /// literals, as the cpp pass in front of rxgen would have done. Same instance as <see cref="Text"/> when nothing expands.</summary>
    public string ExpandedText { get; init; } = Text;
}

/// <summary>
/// A '%' line of the form <c>#define NAME value</c> (object-like only; <c>%#define F(x) ...</c> is not listed).
/// <see cref="Value"/> is the rest of the line, trimmed, comments included; it may be empty.
/// <see cref="Location"/> points at NAME.
/// </summary>
public sealed record PassThroughDefine(string Name, string Value, SourceLocation Location)
{
    /// <summary><see cref="Value"/> with cpp macros expanded (see <see cref="PassThroughLine.ExpandedText"/>).</summary>
    public string ExpandedValue { get; init; } = Value;
}

/// <summary>
/// An object-like macro. <see cref="Body"/> has comments removed, runs of white space outside literals collapsed to one
/// space, and is trimmed. <see cref="Location"/> points at the macro name; for <c>-D</c> macros the path is
/// <c>&lt;command-line&gt;</c>, for predefined ones <c>&lt;built-in&gt;</c>, and the line is 0.
/// </summary>
public sealed record MacroDefinition(string Name, string Body, SourceLocation Location);

/// <summary>
/// A function-like macro such as kauth.rg's <c>#define declare_stat(n) struct karpcstats n</c>. The preprocessor never
/// expands these (Text keeps <c>declare_stat(Authenticate);</c> as written); they are listed so that a later stage can.
/// <see cref="Parameters"/> are the parameter names in order (a variadic one is <c>...</c>, or <c>name...</c> in the GNU
/// form); <see cref="Body"/> is canonical like <see cref="MacroDefinition.Body"/>.
/// </summary>
public sealed record FunctionMacroDefinition(string Name, IReadOnlyList<string> Parameters, string Body, SourceLocation Location);

/// <summary>A run of consecutive lines of <see cref="PreprocessedSource.Text"/> that come from consecutive lines of
/// one file: the source map holds one of these per run, not one entry per line (issue 16).</summary>
internal sealed class LineRun
{
    public LineRun(int firstTextLine, SourceLines lines, int firstFileLine)
    {
        FirstTextLine = firstTextLine;
        Lines = lines;
        FirstFileLine = firstFileLine;
    }

    /// <summary>0-based line of the output where the run begins.</summary>
    public int FirstTextLine { get; }

    /// <summary>The file's path and line start offsets (shared with the file, not copied).</summary>
    public SourceLines Lines { get; }

    public string Path => Lines.Path;

    /// <summary>The file's line start offsets.</summary>
    public int[] Starts => Lines.Starts;

    /// <summary>0-based line of the file where the run begins.</summary>
    public int FirstFileLine { get; }

    public int Count { get; set; } = 1;
}
