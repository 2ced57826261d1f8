using System;
using System.Globalization;

namespace RxGen.Compiler.Preprocessing;

internal enum ExprTokenKind
{
    End,
    Number,
    Identifier,
    Punctuator,
    Invalid,
}

/// <summary>One token of a preprocessor expression. For <see cref="ExprTokenKind.Invalid"/> the text is the error message.</summary>
internal struct ExprToken
{
    public ExprTokenKind Kind;
    public string Text;
    public long Value;
    public bool IsUnsigned;

    /// <summary>An identifier naming an object-like macro that is being expanded (cpp leaves it unexpanded).</summary>
    public bool IsPainted;

    public bool Is(string punctuator) => Kind == ExprTokenKind.Punctuator && Text == punctuator;

    public string Describe() => Kind switch
    {
        ExprTokenKind.End => "end of expression",
        _ => "'" + Text + "'",
    };
}

/// <summary>Tokenizer for C preprocessor integer expressions. Skips white space and comments.</summary>
internal sealed class ExpressionLexer
{
    // Longest first.
    private static readonly string[] MultiCharPunctuators =
    {
        "<<=", ">>=", "...", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--", "->", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##",
    };

    private readonly string _text;
    private int _pos;

    public ExpressionLexer(string text)
    {
        _text = text;
    }

    public ExprToken Next()
    {
        SkipTrivia();
        if (_pos >= _text.Length)
        {
            return new ExprToken { Kind = ExprTokenKind.End, Text = string.Empty };
        }

        char c = _text[_pos];
        if (IsDigit(c) || (c == '.' && _pos + 1 < _text.Length && IsDigit(_text[_pos + 1])))
        {
            return LexNumber();
        }

        if (IsIdentifierStart(c))
        {
            int start = _pos;
            while (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
            {
                _pos++;
            }

            string name = _text.Substring(start, _pos - start);
            if (_pos < _text.Length && _text[_pos] == '\'' && (name == "L" || name == "u" || name == "U" || name == "u8"))
            {
                return LexCharacter(name, start);
            }

            if (_pos < _text.Length && _text[_pos] == '"' && (name == "L" || name == "u" || name == "U" || name == "u8"))
            {
                return LexString(start);
            }

            return new ExprToken { Kind = ExprTokenKind.Identifier, Text = name };
        }

        if (c == '\'')
        {
            return LexCharacter(string.Empty, _pos);
        }

        if (c == '"')
        {
            return LexString(_pos);
        }

        // Maximal munch over C's punctuators, so "--1" is the (invalid) token "--", as in cpp.
        foreach (string punctuator in MultiCharPunctuators)
        {
            if (string.CompareOrdinal(_text, _pos, punctuator, 0, punctuator.Length) == 0)
            {
                _pos += punctuator.Length;
                return new ExprToken { Kind = ExprTokenKind.Punctuator, Text = punctuator };
            }
        }

        _pos++;
        return new ExprToken { Kind = ExprTokenKind.Punctuator, Text = c.ToString() };
    }

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                int end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                _pos = end < 0 ? _text.Length : end + 2;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                int end = _text.IndexOf('\n', _pos);
                _pos = end < 0 ? _text.Length : end + 1;
            }
            else
            {
                return;
            }
        }
    }

    private ExprToken LexNumber()
    {
        // A cpp "pp-number": digits, letters, '_', '.', and a sign right after e/E/p/P.
        int start = _pos;
        _pos++;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if ((c == '+' || c == '-') && (_text[_pos - 1] | 0x20) is 'e' or 'p')
            {
                _pos++;
            }
            else if (IsIdentifierPart(c) || c == '.')
            {
                _pos++;
            }
            else
            {
                break;
            }
        }

        string spelling = _text.Substring(start, _pos - start);
        if (!TryParseInteger(spelling, out long value, out bool isUnsigned, out string? error))
        {
            return new ExprToken { Kind = ExprTokenKind.Invalid, Text = error! };
        }

        return new ExprToken { Kind = ExprTokenKind.Number, Text = spelling, Value = value, IsUnsigned = isUnsigned };
    }

    /// <summary>Parses a C integer constant: decimal, 0x hex, 0b binary, 0 octal; suffixes u, l, ll in any legal order.</summary>
    internal static bool TryParseInteger(string s, out long value, out bool isUnsigned, out string? error)
    {
        value = 0;
        isUnsigned = false;
        error = null;

        int end = s.Length;
        bool sawU = false;
        int lCount = 0;
        while (end > 0)
        {
            char c = s[end - 1];
            if ((c == 'u' || c == 'U') && !sawU)
            {
                sawU = true;
                end--;
            }
            else if ((c == 'l' || c == 'L') && lCount == 0)
            {
                lCount = end >= 2 && s[end - 2] == c ? 2 : 1;
                end -= lCount;
            }
            else
            {
                break;
            }
        }

        int radix = 10;
        int digitsStart = 0;
        if (end >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        {
            radix = 16;
            digitsStart = 2;
        }
        else if (end >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
        {
            radix = 2;
            digitsStart = 2;
        }
        else if (end >= 1 && s[0] == '0')
        {
            radix = 8;
        }

        if (s.IndexOf('.') >= 0 || (radix != 16 && (s.IndexOf('e') >= 0 || s.IndexOf('E') >= 0)) || (radix == 16 && (s.IndexOf('p') >= 0 || s.IndexOf('P') >= 0)))
        {
            error = "floating constant '" + s + "' in preprocessor expression";
            return false;
        }

        if (digitsStart >= end)
        {
            error = "invalid integer constant '" + s + "'";
            return false;
        }

        ulong acc = 0;
        bool overflow = false;
        for (int i = digitsStart; i < end; i++)
        {
            int d = DigitValue(s[i]);
            if (d < 0 || d >= radix)
            {
                error = "invalid integer constant '" + s + "'";
                return false;
            }

            ulong next = unchecked(acc * (ulong)radix + (ulong)d);
            if (acc > (ulong.MaxValue - (ulong)d) / (ulong)radix)
            {
                overflow = true;
            }

            acc = next;
        }

        if (overflow)
        {
            error = "integer constant '" + s + "' is too large";
            return false;
        }

        value = unchecked((long)acc);
        // C: a constant that does not fit intmax_t has type uintmax_t.
        isUnsigned = sawU || acc > long.MaxValue;
        return true;
    }

    private static int DigitValue(char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }

        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }

        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }

        return -1;
    }

    private ExprToken LexCharacter(string prefix, int start)
    {
        // _pos is at the opening quote.
        _pos++;
        long acc = 0;
        int count = 0;
        long last = 0;
        bool closed = false;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\'')
            {
                _pos++;
                closed = true;
                break;
            }

            if (c == '\n')
            {
                break;
            }

            long unit;
            bool isByte;
            if (c == '\\')
            {
                unit = ReadEscape(out isByte);
            }
            else
            {
                _pos++;
                int codePoint = c;
                if (char.IsHighSurrogate(c) && _pos < _text.Length && char.IsLowSurrogate(_text[_pos]))
                {
                    codePoint = char.ConvertToUtf32(c, _text[_pos]);
                    _pos++;
                }

                if (prefix.Length == 0 && codePoint > 0x7F)
                {
                    // A narrow literal holds the UTF-8 bytes of the character (as GCC's execution character set).
                    foreach (byte b in System.Text.Encoding.UTF8.GetBytes(char.ConvertFromUtf32(codePoint)))
                    {
                        acc = (acc << 8) | b;
                        last = b;
                        count++;
                    }

                    continue;
                }

                unit = codePoint;
                isByte = false;
            }

            acc = (acc << 8) | (unit & 0xFF);
            last = isByte ? unit & 0xFF : unit;
            count++;
        }

        if (!closed)
        {
            return new ExprToken { Kind = ExprTokenKind.Invalid, Text = "missing terminating ' character" };
        }

        string spelling = _text.Substring(start, _pos - start);
        if (count == 0)
        {
            return new ExprToken { Kind = ExprTokenKind.Invalid, Text = "empty character constant" };
        }

        long value;
        if (prefix.Length > 0 && prefix != "u8")
        {
            value = last; // wide/char16_t/char32_t: the (last) character's code
        }
        else if (count == 1)
        {
            value = unchecked((sbyte)(byte)(acc & 0xFF)); // plain char is signed (as on x86 GCC)
        }
        else
        {
            value = unchecked((int)acc); // multi-character constant: int, implementation-defined packing
        }

        return new ExprToken { Kind = ExprTokenKind.Number, Text = spelling, Value = value };
    }

    private long ReadEscape(out bool isByte)
    {
        // _pos is at the backslash.
        _pos++;
        isByte = true;
        if (_pos >= _text.Length)
        {
            return '\\';
        }

        char c = _text[_pos++];
        switch (c)
        {
            case 'n': return 10;
            case 't': return 9;
            case 'v': return 11;
            case 'b': return 8;
            case 'r': return 13;
            case 'f': return 12;
            case 'a': return 7;
            case 'e':
            case 'E': return 27;
            case 'x':
            {
                long v = 0;
                while (_pos < _text.Length && DigitValue(_text[_pos]) >= 0)
                {
                    v = (v << 4) | (long)DigitValue(_text[_pos]);
                    _pos++;
                }

                return v;
            }

            default:
                if (c >= '0' && c <= '7')
                {
                    long v = c - '0';
                    for (int i = 0; i < 2 && _pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '7'; i++)
                    {
                        v = (v << 3) | (long)(_text[_pos] - '0');
                        _pos++;
                    }

                    return v;
                }

                isByte = false;
                return c; // \\ \' \" \? and unknown escapes stand for the character itself
        }
    }

    private ExprToken LexString(int start)
    {
        int i = _text.IndexOf('"', start);
        i++;
        while (i < _text.Length && _text[i] != '"' && _text[i] != '\n')
        {
            i += _text[i] == '\\' ? 2 : 1;
        }

        _pos = Math.Min(_text.Length, i + 1);
        return new ExprToken { Kind = ExprTokenKind.Invalid, Text = "string literal " + _text.Substring(start, _pos - start) + " is not allowed in an integer expression" };
    }

    internal static bool IsDigit(char c) => c >= '0' && c <= '9';

    internal static bool IsIdentifierStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';

    internal static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || IsDigit(c);

    internal static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
