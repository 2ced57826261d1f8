using System;

namespace RxGen.Compiler.Diagnostics;

/// <summary>A position in an IDL source file: 1-based line and column, plus the character offset and length
/// of the span in that file's text. Value-equatable, Roslyn-free.</summary>
public readonly record struct SourceLocation(string Path, int Line, int Column, int Offset = 0, int Length = 0)
{
    public static readonly SourceLocation None = new(string.Empty, 0, 0);

    public override string ToString() => Line > 0 ? $"{Path}({Line},{Column})" : Path;
}
