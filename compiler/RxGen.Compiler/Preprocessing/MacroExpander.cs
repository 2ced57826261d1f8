using System.Collections.Generic;
using System.Text;

namespace RxGen.Compiler.Preprocessing;

/// <summary>
/// Expands object-like macros in a line of text the way the cpp pass in front of rxgen does for '%' lines: not inside
/// comments or string/character literals, and a macro is not re-expanded inside its own expansion. Function-like
/// macros are left alone (RxGen does not record their bodies).
/// </summary>
internal static class MacroExpander
{
    private const int MaxDepth = 200;
    private const int MaxLength = 1 << 20;

    /// <summary>Returns <paramref name="text"/> itself when nothing expands, or when the expansion grows beyond 1 MiB.</summary>
    public static string Expand(string text, bool startsInComment, MacroTable macros)
    {
        if (!MayContainMacro(text, macros))
        {
            return text;
        }

        var context = new Context(macros);
        var sb = new StringBuilder(text.Length + 16);
        bool inComment = startsInComment;
        ExpandInto(sb, text, ref inComment, context, 0);
        if (context.Overflow || !context.Changed)
        {
            return text;
        }

        return sb.ToString();
    }

    private static bool MayContainMacro(string text, MacroTable macros)
    {
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (ExpressionLexer.IsIdentifierStart(c))
            {
                int start = i;
                while (i < text.Length && ExpressionLexer.IsIdentifierPart(text[i]))
                {
                    i++;
                }

                if (macros.ObjectBody(text.Substring(start, i - start)) != null)
                {
                    return true;
                }
            }
            else
            {
                i++;
            }
        }

        return false;
    }

    private sealed class Context
    {
        public Context(MacroTable macros)
        {
            Macros = macros;
        }

        public MacroTable Macros { get; }

        public List<string> Active { get; } = new();

        public bool Changed { get; set; }

        public bool Overflow { get; set; }
    }

    private static void ExpandInto(StringBuilder sb, string text, ref bool inComment, Context context, int depth)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (sb.Length > MaxLength)
            {
                context.Overflow = true;
                return;
            }

            char c = text[i];
            if (inComment)
            {
                int end = text.IndexOf("*/", i, System.StringComparison.Ordinal);
                int stop = end < 0 ? text.Length : end + 2;
                sb.Append(text, i, stop - i);
                inComment = end < 0;
                i = stop;
                continue;
            }

            char n = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '/' && n == '*')
            {
                sb.Append("/*");
                inComment = true;
                i += 2;
                continue;
            }

            if (c == '/' && n == '/')
            {
                sb.Append(text, i, text.Length - i);
                return;
            }

            if (c == '"' || c == '\'')
            {
                int j = i + 1;
                while (j < text.Length && text[j] != c)
                {
                    j += text[j] == '\\' ? 2 : 1;
                }

                j = System.Math.Min(text.Length, j + 1);
                sb.Append(text, i, j - i);
                i = j;
                continue;
            }

            if (ExpressionLexer.IsDigit(c) || (c == '.' && ExpressionLexer.IsDigit(n)))
            {
                // pp-number: its letters are not identifiers (0x1F, 10UL).
                int j = i + 1;
                while (j < text.Length && (ExpressionLexer.IsIdentifierPart(text[j]) || text[j] == '.'
                    || ((text[j] == '+' || text[j] == '-') && (text[j - 1] | 0x20) is 'e' or 'p')))
                {
                    j++;
                }

                sb.Append(text, i, j - i);
                i = j;
                continue;
            }

            if (ExpressionLexer.IsIdentifierStart(c))
            {
                int j = i + 1;
                while (j < text.Length && ExpressionLexer.IsIdentifierPart(text[j]))
                {
                    j++;
                }

                string name = text.Substring(i, j - i);
                string? body = context.Macros.ObjectBody(name);
                if (body != null && depth < MaxDepth && !context.Active.Contains(name))
                {
                    context.Changed = true;
                    context.Active.Add(name);
                    bool bodyComment = false;
                    ExpandInto(sb, body, ref bodyComment, context, depth + 1);
                    context.Active.RemoveAt(context.Active.Count - 1);
                }
                else
                {
                    sb.Append(name);
                }

                i = j;
                continue;
            }

            sb.Append(c);
            i++;
        }
    }
}
