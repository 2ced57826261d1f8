using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Scriban;
using Scriban.Runtime;

namespace RxGen.Compiler.Emit;

/// <summary>The embedded Scriban templates (Emit/Templates/*.scriban), each parsed once.</summary>
internal static class Templates
{
    private static readonly Lazy<IReadOnlyDictionary<string, Template>> Parsed = new(Load, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);

    private static IReadOnlyDictionary<string, Template> Load()
    {
        var assembly = typeof(Templates).Assembly;
        var result = new Dictionary<string, Template>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            const string prefix = "RxGen.Templates.";
            if (!resource.StartsWith(prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var name = resource.Substring(prefix.Length).Replace(".scriban", "");
            var template = Template.Parse(reader.ReadToEnd(), resource);
            if (template.HasErrors) throw new InvalidOperationException($"template {resource}: {string.Join("; ", template.Messages)}");
            result[name] = template;
        }
        return result;
    }

    // Scriban's builtin function objects are costly to build (most of the time of a small render went there), so
    // each thread builds them once; templates only read them.
    [ThreadStatic] private static ScriptObject? _builtins;

    // A template context caches how it reads each view model type (reflection over its members), and is costly to
    // make: renders reuse contexts, one per nesting level (the file template renders definitions while it runs).
    [ThreadStatic] private static Stack<TemplateContext>? _freeContexts;

    private static TemplateContext NewContext() =>
        // LimitToString = 0: Scriban otherwise cuts any rendered string at 1 MiB and ends it with "..." (silent truncation).
        new(_builtins ??= TemplateContext.GetDefaultBuiltinObject()) { MemberRenamer = member => member.Name, StrictVariables = true, LoopLimit = 0, RecursiveLimit = 0, LimitToString = 0 };

    private static TemplateContext RentContext() => _freeContexts is { Count: > 0 } free ? free.Pop() : NewContext();

    private static void ReturnContext(TemplateContext context) => (_freeContexts ??= new Stack<TemplateContext>()).Push(context);

    /// <summary>The readable properties of each view model type, found once (what <c>ScriptObject.Import</c> finds
    /// by reflection, custom attributes included, on every call).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    private static ScriptObject Globals(object model, IReadOnlyList<KeyValuePair<string, System.Collections.IEnumerable>>? lists)
    {
        var globals = new ScriptObject();
        foreach (var property in Properties.GetOrAdd(model.GetType(), type => Array.FindAll(type.GetProperties(BindingFlags.Public | BindingFlags.Instance), p => p.CanRead && p.GetIndexParameters().Length == 0)))
            if (lists is null || !IsListed(property.Name, lists)) globals.SetValue(property.Name, property.GetValue(model), readOnly: false);
        if (lists is not null)
            foreach (var list in lists) globals.SetValue(list.Key, list.Value, readOnly: false);
        return globals;
    }

    public static string Render(string name, object model)
    {
        var context = RentContext();
        context.PushGlobal(Globals(model, null));
        string text;
        try
        {
            text = Parsed.Value[name].Render(context);
        }
        finally
        {
            context.PopGlobal();
        }
        // Only a context whose render finished is reused (an exception may leave its state anywhere).
        ReturnContext(context);
        return text.Replace("\r\n", "\n");
    }

    /// <summary>Renders a template into <paramref name="writer"/> as it goes, with <paramref name="lists"/> in place
    /// of the model's properties of the same names (lazy sequences: each item is made when the template reaches it).
    /// The text written is exactly what <see cref="Render"/> returns for the same model and lists.</summary>
    public static void RenderTo(string name, object model, IReadOnlyList<KeyValuePair<string, System.Collections.IEnumerable>> lists, TextWriter writer)
    {
        var context = RentContext();
        context.PushGlobal(Globals(model, lists));
        var output = new NewlineFilter(writer);
        context.PushOutput(output);
        try
        {
            Parsed.Value[name].Render(context);   // returns the output's ToString(), not the text (it went to the writer)
        }
        finally
        {
            context.PopOutput();
            context.PopGlobal();
        }
        output.Finish();
        ReturnContext(context);
    }

    private static bool IsListed(string member, IReadOnlyList<KeyValuePair<string, System.Collections.IEnumerable>> lists)
    {
        foreach (var list in lists) if (list.Key == member) return true;
        return false;
    }

    /// <summary>Template output to a writer with every "\r\n" written as "\n" (what <c>Replace("\r\n", "\n")</c>
    /// does to the whole text, also across writes), copied through a small buffer.</summary>
    private sealed class NewlineFilter : IScriptOutput
    {
        private readonly TextWriter _writer;
        private readonly char[] _buffer = new char[8192];
        private int _length;
        private bool _pendingCr;

        public NewlineFilter(TextWriter writer) => _writer = writer;

        public void Write(string text, int offset, int count)
        {
            if (count <= 0) return;
            var end = offset + count;
            if (_pendingCr)
            {
                _pendingCr = false;
                if (text[offset] != '\n') Append("\r", 0, 1);
            }
            var start = offset;
            while (start < end)
            {
                var i = text.IndexOf('\r', start, end - start);
                if (i < 0) break;
                if (i + 1 == end)
                {
                    // A '\r' at the end of a write: kept until the next character says whether it is dropped.
                    Append(text, start, i - start);
                    _pendingCr = true;
                    return;
                }
                // "\r\n": the '\r' is left out; a lone '\r' stays.
                var skip = text[i + 1] == '\n' ? 1 : 0;
                Append(text, start, i - start + 1 - skip);
                start = i + 1;
            }
            Append(text, start, end - start);
        }

        public System.Threading.Tasks.ValueTask WriteAsync(string text, int offset, int count, System.Threading.CancellationToken cancellationToken)
        {
            Write(text, offset, count);
            return default;
        }

        public void Finish()
        {
            if (_pendingCr) Append("\r", 0, 1);
            _pendingCr = false;
            if (_length > 0) _writer.Write(_buffer, 0, _length);
            _length = 0;
        }

        private void Append(string text, int start, int count)
        {
            while (count > 0)
            {
                if (_length == _buffer.Length)
                {
                    _writer.Write(_buffer, 0, _length);
                    _length = 0;
                }
                var n = Math.Min(count, _buffer.Length - _length);
                text.CopyTo(start, _buffer, _length, n);
                _length += n;
                start += n;
                count -= n;
            }
        }
    }
}
