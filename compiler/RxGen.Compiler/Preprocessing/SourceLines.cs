using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Preprocessing;

/// <summary>
/// A file's path and line start offsets, shared by the file, the source map and compact model locations (issue 16: a
/// bulk definition keeps an offset into its file and this table instead of a whole <see cref="SourceLocation"/>, and
/// its line and column are found again from the offset when asked for). Immutable but for a lookup hint; safe to
/// share between threads.
/// </summary>
internal sealed class SourceLines
{
    private readonly int[] _starts;

    // The line of the last lookup: locations are mostly asked for in file order, so the next one is usually on the
    // same line or the next. A stale or torn value only costs a binary search (it is checked before use).
    private int _hint;

    public SourceLines(string path, int[] starts)
    {
        Path = path;
        _starts = starts;
    }

    public string Path { get; }

    /// <summary>The 0-based offset of each line's first character (not copied: the file's own array).</summary>
    public int[] Starts => _starts;

    /// <summary>The location of the span at <paramref name="offset"/> (a line of this file must exist).</summary>
    public SourceLocation Locate(int offset, int length)
    {
        int line = LineOf(offset);
        return new SourceLocation(Path, line + 1, offset - _starts[line] + 1, offset, length);
    }

    /// <summary>The 0-based line that contains <paramref name="offset"/> (line 0 for an offset before the first line).</summary>
    public int LineOf(int offset)
    {
        int[] starts = _starts;
        int hint = _hint;
        if ((uint)hint < (uint)starts.Length && starts[hint] <= offset)
        {
            if (hint + 1 == starts.Length || offset < starts[hint + 1])
            {
                return hint;
            }

            if (hint + 2 == starts.Length || offset < starts[hint + 2])
            {
                _hint = hint + 1;
                return hint + 1;
            }
        }

        int lo = 0;
        int hi = starts.Length - 1;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo + 1) / 2);
            if (starts[mid] <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        _hint = lo;
        return lo;
    }
}
