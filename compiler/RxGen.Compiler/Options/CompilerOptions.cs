using System;
using System.Collections.Generic;
using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Emit;
using RxGen.Compiler.Model;

namespace RxGen.Compiler.Options;

/// <summary>Options as the hosts receive them: strings from the command line (CLI) or from MSBuild item
/// metadata (source generator). <see cref="CompilerOptions.Parse"/> is the one place that reads them.</summary>
public sealed record RawOptions
{
    /// <summary>The namespace of the inputs' own definitions (CLI <c>--namespace NS</c>, item <c>Namespace</c>).</summary>
    public string? Namespace { get; init; }

    /// <summary><c>FILE=NS</c> entries: the namespace of a declaring file, by file name or path (CLI <c>--namespace FILE=NS</c>).</summary>
    public IReadOnlyList<string> FileNamespaces { get; init; } = Array.Empty<string>();

    /// <summary><c>Client</c>, <c>Server</c> or both, separated by ';' or ','.</summary>
    public string? Services { get; init; }

    /// <summary><c>public</c> or <c>internal</c>.</summary>
    public string? Access { get; init; }

    /// <summary><c>IDLNAME=Namespace.Type</c> entries for outside types.</summary>
    public IReadOnlyList<string> ExternalTypes { get; init; } = Array.Empty<string>();

    /// <summary><c>utf8</c> (default, strict) or <c>latin1</c>.</summary>
    public string? StringEncoding { get; init; }

    /// <summary><c>NAME</c> or <c>NAME=VALUE</c> entries.</summary>
    public IReadOnlyList<string> Defines { get; init; } = Array.Empty<string>();
}

/// <summary>What <see cref="CompilerOptions.Parse"/> made of <see cref="RawOptions"/>.</summary>
public sealed record ParsedOptions(EmitOptions Emit, IReadOnlyList<KeyValuePair<string, string?>> Defines, IReadOnlyList<Diagnostic> Errors)
{
    public bool Success => Errors.Count == 0;
}

/// <summary>The one options layer of the CLI and the source generator: the same values mean the same thing and
/// are rejected with the same diagnostics in both.</summary>
public static class CompilerOptions
{
    public const string ServicesValues = "Client, Server or Client;Server";

    /// <summary>Parses and checks every option; errors are diagnostics at <paramref name="location"/> (e.g. the item's file).</summary>
    public static ParsedOptions Parse(RawOptions raw, SourceLocation? at = null)
    {
        var location = at ?? SourceLocation.None;
        var errors = new List<Diagnostic>();
        void Error(DiagnosticDescriptor descriptor, params object[] args) => errors.Add(Diagnostic.Create(descriptor, location, args));

        bool client = true, server = true;
        if (raw.Services is { } servicesText)
        {
            var sides = Split(servicesText).Select(s => s.ToLowerInvariant()).ToList();
            if (sides.Count == 0 || sides.Any(s => s != "client" && s != "server")) Error(DiagnosticDescriptors.BadOptionValue, "Services", ServicesValues, servicesText);
            else { client = sides.Contains("client"); server = sides.Contains("server"); }
        }

        var isPublic = true;
        if (raw.Access is { } access)
        {
            if (string.Equals(access, "internal", StringComparison.OrdinalIgnoreCase)) isPublic = false;
            else if (!string.Equals(access, "public", StringComparison.OrdinalIgnoreCase)) Error(DiagnosticDescriptors.BadOptionValue, "Access", "public or internal", access);
        }

        var latin1 = false;
        if (raw.StringEncoding is { } encoding)
        {
            if (string.Equals(encoding, "latin1", StringComparison.OrdinalIgnoreCase) || string.Equals(encoding, "latin-1", StringComparison.OrdinalIgnoreCase)) latin1 = true;
            else if (!string.Equals(encoding, "utf8", StringComparison.OrdinalIgnoreCase) && !string.Equals(encoding, "utf-8", StringComparison.OrdinalIgnoreCase))
                Error(DiagnosticDescriptors.BadOptionValue, "StringEncoding", "utf8 or latin1", encoding);
        }

        if (raw.Namespace is { } ns && !IsNamespace(ns)) Error(DiagnosticDescriptors.BadNamespace, ns);
        var fileNamespaces = new List<KeyValuePair<string, string>>();
        foreach (var entry in raw.FileNamespaces)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) { Error(DiagnosticDescriptors.BadOptionValue, "a file namespace", "FILE=NAMESPACE", entry); continue; }
            var value = entry.Substring(eq + 1).Trim();
            if (!IsNamespace(value)) { Error(DiagnosticDescriptors.BadNamespace, value); continue; }
            fileNamespaces.Add(new KeyValuePair<string, string>(entry.Substring(0, eq).Trim(), value));
        }

        var external = new List<KeyValuePair<string, string>>();
        foreach (var entry in raw.ExternalTypes)
        {
            var eq = entry.IndexOf('=');
            var name = eq > 0 ? entry.Substring(0, eq).Trim() : "";
            var type = eq > 0 ? entry.Substring(eq + 1).Trim() : "";
            if (type.StartsWith("global::", StringComparison.Ordinal)) type = type.Substring("global::".Length);
            if (!IsIdentifier(name, allowKeyword: true) || !IsNamespace(type)) { Error(DiagnosticDescriptors.BadExternalType, entry); continue; }
            external.Add(new KeyValuePair<string, string>(name, type));
        }

        var defines = new List<KeyValuePair<string, string?>>();
        foreach (var entry in raw.Defines)
        {
            var eq = entry.IndexOf('=');
            var name = eq < 0 ? entry : entry.Substring(0, eq);
            if (!IsIdentifier(name, allowKeyword: true)) { Error(DiagnosticDescriptors.BadDefine, entry); continue; }
            defines.Add(new KeyValuePair<string, string?>(name, eq < 0 ? null : entry.Substring(eq + 1)));
        }

        var emit = new EmitOptions(raw.Namespace, isPublic, client, server)
        {
            FileNamespaces = fileNamespaces.ToEquatableArray(),
            ExternalTypes = external.ToEquatableArray(),
            Latin1Strings = latin1,
        };
        return new ParsedOptions(emit, defines, errors);
    }

    /// <summary>Splits a ';'- or ','-separated list (MSBuild metadata), trimming entries and dropping empty ones.</summary>
    public static IReadOnlyList<string> Split(string? list) =>
        (list ?? "").Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    /// <summary>A dot-separated list of C# identifiers that are not keywords.</summary>
    public static bool IsNamespace(string text) => text.Length > 0 && text.Split('.').All(part => IsIdentifier(part, allowKeyword: false));

    private static bool IsIdentifier(string text, bool allowKeyword)
    {
        if (text.Length == 0 || !(char.IsLetter(text[0]) || text[0] == '_')) return false;
        foreach (var ch in text) if (!(char.IsLetterOrDigit(ch) || ch == '_')) return false;
        return allowKeyword || CSharpNames.Identifier(text) == text;
    }
}
