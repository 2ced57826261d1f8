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

    public static string Render(string name, object model)
    {
        // LimitToString = 0: Scriban otherwise cuts any rendered string at 1 MiB and ends it with "..." (silent truncation).
        var context = new TemplateContext(_builtins ??= TemplateContext.GetDefaultBuiltinObject()) { MemberRenamer = member => member.Name, StrictVariables = true, LoopLimit = 0, RecursiveLimit = 0, LimitToString = 0 };
        var globals = new ScriptObject();
        globals.Import(model, renamer: member => member.Name);
        context.PushGlobal(globals);
        return Parsed.Value[name].Render(context).Replace("\r\n", "\n");
    }
}
