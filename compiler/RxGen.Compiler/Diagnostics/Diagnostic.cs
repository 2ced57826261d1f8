using System;
using System.Collections.Generic;
using System.Linq;

namespace RxGen.Compiler.Diagnostics;

public enum DiagnosticSeverity { Warning, Error }

/// <summary>A compiler diagnostic: an id from <see cref="DiagnosticDescriptors"/>, a location and the formatted message.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, SourceLocation Location, string Message)
{
    public string Id => Descriptor.Id;
    public DiagnosticSeverity Severity => Descriptor.Severity;
    public bool IsError => Descriptor.Severity == DiagnosticSeverity.Error;

    /// <summary>The message arguments, as text (hosts and filters read them; the message is already formatted).</summary>
    public RxGen.Compiler.Model.EquatableArray<string> Arguments { get; init; } = RxGen.Compiler.Model.EquatableArray<string>.Empty;

    public static Diagnostic Create(DiagnosticDescriptor descriptor, SourceLocation location, params object[] args) =>
        new(descriptor, location, args.Length == 0 ? descriptor.MessageFormat : string.Format(System.Globalization.CultureInfo.InvariantCulture, descriptor.MessageFormat, args))
        {
            Arguments = RxGen.Compiler.Model.EquatableArrayExtensions.ToEquatableArray(args.Select(a => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "")),
        };

    /// <summary>MSBuild's canonical form: <c>file(line,col): error RXG0001: message</c>.</summary>
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var where = Location.Line > 0 ? $"{Location.Path}({Location.Line},{Location.Column})" : (Location.Path.Length > 0 ? Location.Path : "rxgen");
        return $"{where}: {severity} {Id}: {Message}";
    }
}

/// <summary>An immutable, appendable bag of diagnostics used by each stage.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = new();
    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors { get; private set; }

    public void Add(Diagnostic diagnostic)
    {
        _items.Add(diagnostic);
        HasErrors |= diagnostic.IsError;
    }

    public void Add(DiagnosticDescriptor descriptor, SourceLocation location, params object[] args) => Add(Diagnostic.Create(descriptor, location, args));

    /// <summary>Drops every diagnostic added after the first <paramref name="count"/>.</summary>
    public void Truncate(int count)
    {
        _items.RemoveRange(count, _items.Count - count);
        HasErrors = false;
        foreach (var diagnostic in _items) HasErrors |= diagnostic.IsError;
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics) Add(diagnostic);
    }
}
