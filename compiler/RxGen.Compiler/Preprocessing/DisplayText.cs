using System.Globalization;
using System.Text;

namespace RxGen.Compiler.Preprocessing;

/// <summary>Makes input text safe to show in a diagnostic message: control characters, Unicode format characters
/// (bidirectional overrides, zero-width ones), line and paragraph separators, unpaired surrogates and U+FFFD (what an
/// invalid UTF-8 byte decodes to) are written as C-style escapes (<c>\x01</c>, <c>\u202E</c>), so a log or an IDE
/// never receives them raw.</summary>
internal static class DisplayText
{
    public static string Escape(string text)
    {
        int i = 0;
        while (i < text.Length && !NeedsEscape(text, i))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(text, i))
            {
                sb.Append(c);
                if (char.IsHighSurrogate(c))
                {
                    sb.Append(text[++i]); // a valid pair stays as it is
                }
            }
            else if (c < 0x100)
            {
                sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(string text, int i)
    {
        char c = text[i];
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || c == '\uFFFD')
        {
            return true;
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return true; // reached only when unpaired
        }

        return c >= 0x80 && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
    }
}
