using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace RxGen.Compiler.Emit;

/// <summary>How IDL names become C# names. Type, constant and enum member names stay as the IDL spells
/// them (so users find them by that name); members and methods become PascalCase.</summary>
internal static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>An identifier usable in C#, escaping keywords with '@'.</summary>
    public static string Identifier(string name) => Keywords.Contains(name) ? "@" + name : name;

    /// <summary>next_vldb → NextVldb, volumeId → VolumeId, PMAPPROC_GETPORT → PmapprocGetport.</summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var part in name.Split(new[] { '_' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var allUpper = part.All(ch => !char.IsLetter(ch) || char.IsUpper(ch)) && part.Any(char.IsLetter) && part.Length > 1;
            builder.Append(char.ToUpperInvariant(part[0]));
            builder.Append(allUpper ? part.Substring(1).ToLowerInvariant() : part.Substring(1));
        }
        var result = builder.Length == 0 ? "Value" : builder.ToString();
        return char.IsDigit(result[0]) ? "_" + result : result;
    }

    /// <summary>camelCase for parameters and locals, keyword-escaped.</summary>
    public static string Camel(string name)
    {
        var pascal = Pascal(name);
        var leading = 0;
        while (leading < pascal.Length && char.IsUpper(pascal[leading])) leading++;
        var camel = leading <= 1 ? char.ToLowerInvariant(pascal[0]) + pascal.Substring(1)
            : leading == pascal.Length ? pascal.ToLowerInvariant()
            : pascal.Substring(0, leading - 1).ToLowerInvariant() + pascal.Substring(leading - 1);
        return Identifier(camel);
    }

    /// <summary>VL_ → VL, AFSVol → AFSVol, KVSTORE_PROG → KVSTORE_PROG (the prefix of generated class names).</summary>
    public static string PackageBase(string packageName)
    {
        var trimmed = packageName.TrimEnd('_');
        return trimmed.Length == 0 ? "Package" : trimmed;
    }

    /// <summary>A namespace from a package/program name or a file name: VL_ → Vl, vldbint → Vldbint.</summary>
    public static string Namespace(string name)
    {
        var parts = name.Split(new[] { '.', '-', ' ' }, StringSplitOptions.RemoveEmptyEntries).Select(p => Pascal(new string(p.Where(ch => char.IsLetterOrDigit(ch) || ch == '_').ToArray())));
        var ns = string.Join(".", parts.Where(p => p.Length > 0));
        return ns.Length == 0 ? "RxGen.Generated" : ns;
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    /// <remarks>C# ends a line (and so a <c>///</c> comment) at CR, LF, U+0085, U+2028 and U+2029: those, and other
    /// control characters, become spaces, so IDL comment text can never escape into code.</remarks>
    public static string Xml(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '\n': builder.Append('\n'); break; // callers split on LF and prefix each line with ///
                default: builder.Append(IsLineBreakOrControl(ch) ? ' ' : ch); break;
            }
        }
        return builder.ToString();
    }

    private static bool IsLineBreakOrControl(char ch) => ch == '\r' || ch == '\u0085' || ch == '\u2028' || ch == '\u2029' || (ch < ' ' && ch != '\t') || ch == '\u007f';

    /// <summary>A C# string literal.</summary>
    public static string Literal(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '\\': builder.Append("\\\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (ch < ' ' || ch == '\u0085' || ch == '\u2028' || ch == '\u2029' || ch == '\u007f') builder.Append("\\u").Append(((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else builder.Append(ch);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }
}
