using System.Collections.Generic;
using System.Text;

namespace RxGen.Compiler.Preprocessing;

/// <summary>Whether the scan is inside a <c>/* */</c> comment, and where that comment started.</summary>
internal struct CommentState
{
    public bool InBlock;
    public int StartOffset;
}

/// <summary>
/// Lexes logical lines (physical lines joined by backslash-newline) far enough to know where comments and
/// string/character literals are. Literals end at their closing quote or at the end of the logical line.
/// </summary>
internal static class LineScanner
{
    /// <summary>
    /// Scans physical lines <paramref name="first"/>..<paramref name="last"/> of <paramref name="file"/> as one logical
    /// line. When <paramref name="output"/> is given, appends the text with splices removed and each comment replaced
    /// by one space; <paramref name="offsets"/> then receives the file offset of every appended character.
    /// </summary>
    public static void Scan(SourceFile file, int first, int last, ref CommentState state, StringBuilder? output, List<int>? offsets)
    {
        var r = new Reader(file, first, last);
        while (!r.AtEnd)
        {
            char c = r.Current;
            if (state.InBlock)
            {
                if (c == '*' && r.PeekNext() == '/')
                {
                    r.Advance();
                    r.Advance();
                    state.InBlock = false;
                }
                else
                {
                    r.Advance();
                }

                continue;
            }

            if (c == '/')
            {
                char n = r.PeekNext();
                if (n == '*')
                {
                    state.InBlock = true;
                    state.StartOffset = r.Pos;
                    Append(output, offsets, ' ', r.Pos);
                    r.Advance();
                    r.Advance();
                    continue;
                }

                if (n == '/')
                {
                    Append(output, offsets, ' ', r.Pos);
                    return;
                }
            }

            if (c == '"' || c == '\'')
            {
                Append(output, offsets, c, r.Pos);
                r.Advance();
                while (!r.AtEnd)
                {
                    char d = r.Current;
                    Append(output, offsets, d, r.Pos);
                    r.Advance();
                    if (d == '\\' && !r.AtEnd)
                    {
                        Append(output, offsets, r.Current, r.Pos);
                        r.Advance();
                    }
                    else if (d == c)
                    {
                        break;
                    }
                }

                continue;
            }

            Append(output, offsets, c, r.Pos);
            r.Advance();
        }
    }

    private static void Append(StringBuilder? output, List<int>? offsets, char c, int offset)
    {
        if (output != null)
        {
            output.Append(c);
            offsets?.Add(offset);
        }
    }

    /// <summary>Walks the characters of a logical line, stepping over backslash-newline splices.</summary>
    private struct Reader
    {
        private readonly SourceFile _file;
        private readonly int _last;
        private int _line;
        private int _segmentEnd;

        public Reader(SourceFile file, int first, int last)
        {
            _file = file;
            _last = last;
            _line = first;
            Pos = file.Starts[first];
            _segmentEnd = 0;
            _segmentEnd = SegmentEnd(first);
            Normalize();
        }

        public int Pos { get; private set; }

        public bool AtEnd => Pos >= _segmentEnd;

        public char Current => _file.Text[Pos];

        public void Advance()
        {
            Pos++;
            Normalize();
        }

        public char PeekNext()
        {
            Reader copy = this;
            copy.Advance();
            return copy.AtEnd ? '\0' : copy.Current;
        }

        private int SegmentEnd(int line) => line < _last ? _file.Ends[line] - 1 : _file.Ends[line];

        private void Normalize()
        {
            while (Pos >= _segmentEnd && _line < _last)
            {
                _line++;
                Pos = _file.Starts[_line];
                _segmentEnd = SegmentEnd(_line);
            }
        }
    }
}
