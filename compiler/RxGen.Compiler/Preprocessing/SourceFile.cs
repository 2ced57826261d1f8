using System.Collections.Generic;
using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Preprocessing;

/// <summary>One input file split into physical lines (line ends \n, \r\n or \r are not part of a line).</summary>
internal sealed class SourceFile
{
    private static readonly char[] LineBreaks = { '\n', '\r' };

    public SourceFile(string path, string key, string text)
    {
        Path = path;
        Key = key;
        Text = text;

        // Two scans: count the lines, then fill arrays of exactly that size (no list growth on a large file).
        int count = 0;
        for (int pos = 0; pos < text.Length; count++)
        {
            pos = NextLine(text, pos, out _);
        }

        var starts = new int[count];
        var ends = new int[count];
        for (int pos = 0, k = 0; pos < text.Length; k++)
        {
            starts[k] = pos;
            pos = NextLine(text, pos, out ends[k]);
        }

        Starts = starts;
        Ends = ends;
        Lines = new SourceLines(path, starts);
    }

    /// <summary>The start of the line after the one at <paramref name="pos"/>, and that line's end (its terminator excluded).</summary>
    private static int NextLine(string text, int pos, out int end)
    {
        // A line ends at \n, \r\n or a lone \r (classic Mac OS files; cpp reads a lone CR as a line break too).
        end = text.IndexOfAny(LineBreaks, pos);
        if (end < 0)
        {
            end = text.Length;
            return end;
        }

        return text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1;
    }

    /// <summary>The path shown in locations: the caller's path for the main file, the resolved path for includes.</summary>
    public string Path { get; }

    /// <summary>The normalized path used to resolve relative includes and to detect cycles.</summary>
    public string Key { get; }

    public string Text { get; }

    public int[] Starts { get; }

    /// <summary>The path and <see cref="Starts"/> as one shared table (the source map and compact locations use it).</summary>
    public SourceLines Lines { get; }

    /// <summary>Offset just past the last character of each line, excluding the line terminator.</summary>
    public int[] Ends { get; }

    public int LineCount => Starts.Length;

    /// <summary>True if physical line <paramref name="line"/> ends in a backslash that splices it to the next line.</summary>
    public bool EndsWithSplice(int line) =>
        line + 1 < Starts.Length && Ends[line] > Starts[line] && Text[Ends[line] - 1] == '\\';

    /// <summary>The last physical line of the logical line (backslash-newline joined) that starts at <paramref name="line"/>.</summary>
    public int LastOfLogicalLine(int line)
    {
        while (EndsWithSplice(line))
        {
            line++;
        }

        return line;
    }

    /// <summary>The 0-based line that contains <paramref name="offset"/>.</summary>
    public int LineOf(int offset)
    {
        int lo = 0;
        int hi = Starts.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (Starts[mid] <= offset)
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

    public SourceLocation Location(int offset, int length)
    {
        if (Starts.Length == 0)
        {
            return new SourceLocation(Path, 1, 1, 0, 0);
        }

        return Location(LineOf(offset), offset, length);
    }

    public SourceLocation Location(int line, int offset, int length) =>
        new(Path, line + 1, offset - Starts[line] + 1, offset, length);

    /// <summary>Where the lexer meets the end of this file.</summary>
    public SourceLocation EndLocation()
    {
        if (Starts.Length == 0)
        {
            return new SourceLocation(Path, 1, 1, 0, 0);
        }

        int last = Starts.Length - 1;
        if (Ends[last] == Text.Length)
        {
            return new SourceLocation(Path, last + 1, Ends[last] - Starts[last] + 1, Text.Length, 0);
        }

        return new SourceLocation(Path, last + 2, 1, Text.Length, 0);
    }
}
