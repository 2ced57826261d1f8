using System.Text;

namespace RxGen.Compiler.Emit;

/// <summary>A small indented writer for the statement lists the templates splice in.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;
    private int _unique;

    public CodeWriter(int indent = 0) => _indent = indent;

    public string Unique(string prefix) => prefix + (++_unique).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public CodeWriter Line(string text)
    {
        _builder.Append(' ', _indent * 4).Append(text).Append('\n');
        return this;
    }

    public CodeWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public override string ToString() => _builder.ToString().TrimEnd('\n');
}
