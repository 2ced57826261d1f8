using System;
using System.Collections.Generic;
using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Model;

namespace RxGen.Compiler.Validation;

/// <summary>Validation stage: checks a built model and reports diagnostics; never changes the model.</summary>
public static class ModelValidator
{
    /// <summary>Named types the runtime provides (not defined in IDL).</summary>
    public static readonly IReadOnlyCollection<string> RuntimeTypes = new[] { "afsUUID", "afs_time64" };

    public static void Validate(InterfaceModel model, DiagnosticBag diagnostics) => Validate(model, diagnostics, keepTypes: false);

    /// <summary>Validates; with <paramref name="keepTypes"/>, returns the table of types by name it built (each name's
    /// first definition), for the emitter.</summary>
    internal static Dictionary<string, Definition>? Validate(InterfaceModel model, DiagnosticBag diagnostics, bool keepTypes)
    {
        // Tables as long as the list of types are made at their final size: the copies a growing table leaves behind
        // are large objects, collected late (issue 16).
        var types = new Dictionary<string, Definition>(model.Types.Count, StringComparer.Ordinal);
        foreach (var type in model.Types)
        {
            if (types.TryGetValue(type.Name, out var existing))
                diagnostics.Add(DiagnosticDescriptors.DuplicateName, type.Location, type.Name, existing.Location.ToString());
            else types[type.Name] = type;
        }
        // Value names: each name's first definition, as an index (a constant's, or ~index of an enum member's location)
        // rather than a location per name (issue 16: the table is as long as the input's list of constants).
        var values = new Dictionary<string, int>(model.Constants.Count, StringComparer.Ordinal);
        var members = new List<SourceLocation>();
        SourceLocation ValueLocation(int index) => index >= 0 ? model.Constants[index].Location : members[~index];
        for (var i = 0; i < model.Constants.Count; i++)
        {
            var constant = model.Constants[i];
            if (values.TryGetValue(constant.Name, out var existing))
                diagnostics.Add(DiagnosticDescriptors.DuplicateName, constant.Location, constant.Name, ValueLocation(existing).ToString());
            else values[constant.Name] = i;
        }
        foreach (var e in model.Types.OfType<EnumDefinition>())
        {
            foreach (var member in e.Members)
            {
                if (values.TryGetValue(member.Name, out var existing))
                    diagnostics.Add(DiagnosticDescriptors.DuplicateName, member.Location, member.Name, ValueLocation(existing).ToString());
                else
                {
                    values[member.Name] = ~members.Count;
                    members.Add(member.Location);
                }
            }
        }

        var resolved = new Dictionary<string, Definition?>(StringComparer.Ordinal);
        foreach (var type in model.Types)
        {
            switch (type)
            {
                case StructDefinition s:
                    CheckMemberNames(s.Name, s.Fields, diagnostics);
                    foreach (var field in s.Fields) CheckDeclaration(field, types, diagnostics);
                    break;
                case UnionDefinition u:
                    CheckUnion(u, types, resolved, diagnostics);
                    break;
                case TypedefDefinition t:
                    CheckDeclaration(t.Body, types, diagnostics);
                    break;
            }
        }
        CheckRecursion(model, types, diagnostics);
        CheckTypedefChains(model, types, diagnostics);
        CheckPackages(model, types, diagnostics);
        CheckPrograms(model, types, diagnostics);
        return keepTypes ? types : null;
    }

    private static void CheckMemberNames(string owner, IEnumerable<Declaration> members, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (member.Kind == DeclarationKind.Void) continue;
            if (seen.TryGetValue(member.Name, out var existing))
                diagnostics.Add(DiagnosticDescriptors.DuplicateName, member.Location, owner + "." + member.Name, existing.ToString());
            else seen[member.Name] = member.Location;
        }
    }

    private static void CheckDeclaration(Declaration declaration, Dictionary<string, Definition> types, DiagnosticBag diagnostics)
    {
        CheckFixedBound(declaration, diagnostics);
        if (declaration.Type.Name is { } name && !types.ContainsKey(name) && !RuntimeTypes.Contains(name))
            diagnostics.Add(DiagnosticDescriptors.OutsideType, declaration.TypeLocation, name);
    }

    // Discriminants resolved through typedef chains, memoized per validation (thousands of unions over one deep
    // chain would otherwise walk it once each).
    private static Definition? Resolved(string name, Dictionary<string, Definition> types, Dictionary<string, Definition?> resolved)
    {
        if (!resolved.TryGetValue(name, out var definition)) resolved[name] = definition = Resolve(name, types);
        return definition;
    }

    private static void CheckUnion(UnionDefinition union, Dictionary<string, Definition> types, Dictionary<string, Definition?> resolved, DiagnosticBag diagnostics)
    {
        CheckDeclaration(union.Discriminant, types, diagnostics);
        var discriminant = union.Discriminant;
        var discriminantOk = discriminant.Kind == DeclarationKind.Scalar &&
            (discriminant.Type.Primitive is PrimitiveKind.Int32 or PrimitiveKind.UInt32 or PrimitiveKind.Bool or PrimitiveKind.Int16 or PrimitiveKind.UInt16 or PrimitiveKind.Char or PrimitiveKind.UChar
             || discriminant.Type.Name is { } n && Resolved(n, types, resolved) is EnumDefinition);
        if (!discriminantOk)
            diagnostics.Add(DiagnosticDescriptors.BadDiscriminant, discriminant.Location, union.Name);
        if (union.Arms.Count == 0)
            diagnostics.Add(DiagnosticDescriptors.UnionWithoutCases, union.Location, union.Name);
        var seen = new HashSet<long>();
        foreach (var arm in union.Arms)
        {
            foreach (var c in arm.Cases)
                if (!seen.Add(c.Value)) diagnostics.Add(DiagnosticDescriptors.DuplicateCase, arm.Body.Location, c.Label, union.Name);
            CheckDeclaration(arm.Body, types, diagnostics);
        }
        if (union.Default is { } d) CheckDeclaration(d, types, diagnostics);
        CheckMemberNames(union.Name, union.Arms.Select(a => a.Body).Concat(union.Default is null ? Array.Empty<Declaration>() : new[] { union.Default }), diagnostics);
    }

    /// <summary>Follows typedefs of plain (scalar) declarations to the definition they name.</summary>
    public static Definition? Resolve(string name, IReadOnlyDictionary<string, Definition> types)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (types.TryGetValue(name, out var definition) && visited.Add(name))
        {
            if (definition is TypedefDefinition { Body: { Kind: DeclarationKind.Scalar, Type.Name: { } next } }) { name = next; continue; }
            return definition;
        }
        return null;
    }

    /// <summary>The largest fixed array length .NET can allocate (<c>Array.MaxLength</c>, which netstandard2.0 lacks).</summary>
    public const long MaxFixedLength = 0x7FFFFFC7;

    private static void CheckFixedBound(Declaration declaration, DiagnosticBag diagnostics)
    {
        if (declaration.Kind is DeclarationKind.FixedArray or DeclarationKind.FixedOpaque && declaration.Bound > MaxFixedLength)
            diagnostics.Add(DiagnosticDescriptors.BadArrayBound, declaration.Location, declaration.Bound!.Value,
                $"the length of '{declaration.Name}' must be at most {MaxFixedLength} (the largest array .NET can allocate)");
    }

    // A type contains itself when a path of by-value edges (scalar fields, non-empty fixed arrays,
    // typedef bodies) leads back to it. Optional data and variable arrays break the cycle.
    // One linear pass: Tarjan's strongly connected components (iterative, so any depth fits the stack); every
    // component with a cycle gets one diagnostic, at its first-declared member, showing a shortest cycle through it.
    private static void CheckRecursion(InterfaceModel model, Dictionary<string, Definition> types, DiagnosticBag diagnostics)
    {
        // Nodes: the first definition of each struct, union and typedef name, in declaration order.
        var index = new Dictionary<string, int>(types.Count, StringComparer.Ordinal);
        var nodes = new List<Definition>(types.Count);
        foreach (var type in model.Types)
        {
            if (type is not (StructDefinition or UnionDefinition or TypedefDefinition)) continue;
            if (!ReferenceEquals(types.TryGetValue(type.Name, out var first) ? first : null, type)) continue;
            index[type.Name] = nodes.Count;
            nodes.Add(type);
        }
        var edges = new List<int>[nodes.Count];
        for (var n = 0; n < nodes.Count; n++)
        {
            var targets = new List<int>();
            foreach (var edge in ByValueEdges(nodes[n]))
                if (IsByValue(edge) && index.TryGetValue(edge.Type.Name!, out var target)) targets.Add(target);
            edges[n] = targets;
        }

        var order = new int[nodes.Count];      // Tarjan's discovery index, 0 = not yet visited
        var low = new int[nodes.Count];
        var onStack = new bool[nodes.Count];
        var component = new int[nodes.Count];
        var sccStack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        var counter = 0;
        var components = new List<List<int>>();
        for (var root = 0; root < nodes.Count; root++)
        {
            if (order[root] != 0) continue;
            work.Push((root, 0));
            order[root] = low[root] = ++counter;
            sccStack.Push(root);
            onStack[root] = true;
            while (work.Count > 0)
            {
                var (node, next) = work.Pop();
                if (next < edges[node].Count)
                {
                    work.Push((node, next + 1));
                    var target = edges[node][next];
                    if (order[target] == 0)
                    {
                        order[target] = low[target] = ++counter;
                        sccStack.Push(target);
                        onStack[target] = true;
                        work.Push((target, 0));
                    }
                    else if (onStack[target]) low[node] = Math.Min(low[node], order[target]);
                    continue;
                }
                if (work.Count > 0) { var parent = work.Peek().Node; low[parent] = Math.Min(low[parent], low[node]); }
                if (low[node] != order[node]) continue;
                var members = new List<int>();
                int member;
                do
                {
                    member = sccStack.Pop();
                    onStack[member] = false;
                    component[member] = components.Count;
                    members.Add(member);
                } while (member != node);
                components.Add(members);
            }
        }

        var cyclic = new List<(int First, int Component)>();
        for (var c = 0; c < components.Count; c++)
        {
            var members = components[c];
            if (members.Count == 1 && !edges[members[0]].Contains(members[0])) continue;
            var firstMember = members[0];
            foreach (var m in members) firstMember = Math.Min(firstMember, m);
            cyclic.Add((firstMember, c));
        }
        cyclic.Sort((a, b) => a.First.CompareTo(b.First));
        foreach (var (start, c) in cyclic)
        {
            // Breadth-first search inside the component for a shortest by-value path start → ... → start.
            var parentOf = new Dictionary<int, int>();
            var queue = new Queue<int>();
            queue.Enqueue(start);
            var last = -1;
            while (queue.Count > 0 && last < 0)
            {
                var node = queue.Dequeue();
                foreach (var target in edges[node])
                {
                    if (component[target] != c) continue;
                    if (target == start) { last = node; break; }
                    if (parentOf.ContainsKey(target)) continue;
                    parentOf[target] = node;
                    queue.Enqueue(target);
                }
            }
            var path = new List<string> { nodes[start].Name };
            for (var node = last; node != start; node = parentOf[node]) path.Add(nodes[node].Name);
            path.Add(nodes[start].Name);
            path.Reverse(1, path.Count - 2);
            diagnostics.Add(DiagnosticDescriptors.RecursiveType, nodes[start].Location, nodes[start].Name, string.Join(" → ", path));
        }
    }

    /// <summary>The deepest nesting of arrays and optional data that a chain of typedefs may build
    /// (<c>typedef int a[2]; typedef a b[2]; ...</c>). The emitter inlines typedefs: the C# type of such a chain is a
    /// jagged array of that rank and its codec that many nested loops, so the output grows with the square of the
    /// depth. A struct or union around an inner level ends the nesting.</summary>
    public const int MaxTypedefNesting = 64;

    // Each typedef names at most one other typedef (its body's type), so the typedefs form chains and cycles:
    // one walk per chain, each typedef visited once. Reports a chain nested deeper than MaxTypedefNesting (once,
    // at the first typedef past the limit) and a cycle made of typedefs alone that passes through optional data or
    // a variable array (a by-value one is RXG0204): such a type would be infinitely deep.
    private static void CheckTypedefChains(InterfaceModel model, Dictionary<string, Definition> types, DiagnosticBag diagnostics)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<TypedefDefinition>();
        var onPath = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var type in model.Types)
        {
            if (type is not TypedefDefinition start || !ReferenceEquals(types[start.Name], start) || depth.ContainsKey(start.Name)) continue;
            path.Clear();
            onPath.Clear();
            var current = start;
            var below = 0;
            while (true)
            {
                onPath[current.Name] = path.Count;
                path.Add(current);
                if (current.Body.Type.Name is not { } next || !types.TryGetValue(next, out var inner) || inner is not TypedefDefinition innerTypedef) break;
                if (depth.TryGetValue(next, out below)) break;
                if (onPath.TryGetValue(next, out var cycleStart))
                {
                    var cycle = path.Skip(cycleStart).ToList();
                    foreach (var member in cycle) depth[member.Name] = 0;
                    path.RemoveRange(cycleStart, path.Count - cycleStart);
                    if (cycle.Any(m => !IsByValue(m.Body)))
                    {
                        var first = cycle.OrderBy(m => m.Location.Path, StringComparer.Ordinal).ThenBy(m => m.Location.Line).ThenBy(m => m.Location.Column).First();
                        var at = cycle.IndexOf(first);
                        var names = cycle.Skip(at).Concat(cycle.Take(at)).Select(m => m.Name).Concat(new[] { first.Name });
                        diagnostics.Add(DiagnosticDescriptors.TypedefCycle, first.Location, first.Name, string.Join(" → ", names));
                    }
                    below = 0;
                    break;
                }
                current = innerTypedef;
                below = 0;
            }
            // Unwind: each typedef adds one level when its body is an array or optional data.
            for (var i = path.Count - 1; i >= 0; i--)
            {
                var typedef = path[i];
                var levels = below + (typedef.Body.Kind is DeclarationKind.Optional or DeclarationKind.FixedArray or DeclarationKind.VariableArray ? 1 : 0);
                if (levels > MaxTypedefNesting && below <= MaxTypedefNesting)
                {
                    var chain = new List<string> { typedef.Name };
                    for (var inner = typedef; chain.Count <= 4 && inner.Body.Type.Name is { } n && types.TryGetValue(n, out var d) && d is TypedefDefinition t; inner = t)
                        chain.Add(n);
                    diagnostics.Add(DiagnosticDescriptors.TypedefTooDeep, typedef.Location, typedef.Name, levels,
                        string.Join(" → ", chain.Take(4)) + (chain.Count > 4 ? " → …" : ""), MaxTypedefNesting);
                }
                depth[typedef.Name] = levels;
                below = levels;
            }
        }
    }

    private static IEnumerable<Declaration> ByValueEdges(Definition definition) => definition switch
    {
        StructDefinition s => s.Fields,
        UnionDefinition u => u.Arms.Select(a => a.Body).Concat(u.Default is null ? Array.Empty<Declaration>() : new[] { u.Default }),
        TypedefDefinition t => new[] { t.Body },
        _ => Array.Empty<Declaration>(),
    };

    private static bool IsByValue(Declaration d) => d.Type.Name is not null && (d.Kind == DeclarationKind.Scalar || d.Kind == DeclarationKind.FixedArray && d.Bound > 0);

    private static void CheckPackages(InterfaceModel model, Dictionary<string, Definition> types, DiagnosticBag diagnostics)
    {
        var packages = new Dictionary<string, Package>(StringComparer.Ordinal);
        foreach (var package in model.Packages)
        {
            if (packages.ContainsKey(package.Name))
                diagnostics.Add(DiagnosticDescriptors.DuplicateName, package.Location, "package " + package.Name, packages[package.Name].Location.ToString());
            else packages[package.Name] = package;

            var byOpcode = new Dictionary<long, Procedure>();
            var byName = new Dictionary<string, Procedure>(StringComparer.Ordinal);
            foreach (var procedure in package.Procedures)
            {
                if (byOpcode.TryGetValue(procedure.Opcode, out var other))
                    diagnostics.Add(DiagnosticDescriptors.DuplicateOpcode, procedure.Location, procedure.Opcode, procedure.Name, other.Name, package.Name);
                else byOpcode[procedure.Opcode] = procedure;
                if (byName.TryGetValue(procedure.Name, out var sameName))
                    diagnostics.Add(DiagnosticDescriptors.DuplicateName, procedure.Location, package.Name + procedure.Name, sameName.Location.ToString());
                else byName[procedure.Name] = procedure;
                CheckMemberNames(package.Name + procedure.Name, procedure.Parameters.Select(p => p.Declaration), diagnostics);
                foreach (var parameter in procedure.Parameters) CheckDeclaration(parameter.Declaration, types, diagnostics);
            }
        }

        foreach (var shadow in model.Packages.Where(p => p.ShadowOf is not null))
        {
            if (!packages.TryGetValue(shadow.ShadowOf!, out var original))
            {
                diagnostics.Add(DiagnosticDescriptors.ShadowUnknownPackage, shadow.Location, shadow.ShadowOf!);
                continue;
            }
            if (shadow.ServiceId is null) diagnostics.Add(DiagnosticDescriptors.ShadowWithoutServiceId, shadow.Location, shadow.Name);
            if (original.ServiceId is null) diagnostics.Add(DiagnosticDescriptors.ShadowWithoutServiceId, original.Location, original.Name);
            if (shadow.ServiceId is { } a && original.ServiceId is { } b && a == b)
                diagnostics.Add(DiagnosticDescriptors.ShadowSameServiceId, shadow.Location, shadow.Name, a, original.Name);
            var shadowOpcodes = new HashSet<long>(shadow.Procedures.Select(p => p.Opcode));
            foreach (var procedure in original.Procedures.Where(p => !p.IsSynthesized && !shadowOpcodes.Contains(p.Opcode)))
                diagnostics.Add(DiagnosticDescriptors.ShadowMissingOpcode, shadow.Location, shadow.Name, procedure.Opcode, procedure.Name, original.Name);

            var originalProbe = original.Procedures.First(p => p.Name == Package.ProbeName);
            var shadowProbe = shadow.Procedures.First(p => p.Name == Package.ProbeName);
            var originalRequest = DescribeRequest(originalProbe, types);
            var shadowRequest = DescribeRequest(shadowProbe, types);
            if (originalRequest != shadowRequest)
                diagnostics.Add(DiagnosticDescriptors.ShadowProbeMismatch, shadowProbe.Location, Package.ProbeName, shadow.Name, shadowRequest, original.Name, originalRequest);
        }
    }

    /// <summary>The wire shape of a probe's request: the opcode and the IN/INOUT declarations with typedefs resolved.</summary>
    internal static string DescribeRequest(Procedure procedure, IReadOnlyDictionary<string, Definition> types)
    {
        var parts = new List<string> { "opcode " + procedure.Opcode };
        foreach (var parameter in procedure.Parameters.Where(p => p.Direction != ParameterDirection.Out))
            parts.Add(DescribeWire(parameter.Declaration, types, 0));
        return string.Join(", ", parts);
    }

    private static string DescribeWire(Declaration declaration, IReadOnlyDictionary<string, Definition> types, int depth)
    {
        string element;
        if (declaration.Type.Primitive is { } primitive) element = primitive.ToString();
        else if (depth < 8 && declaration.Type.Name is { } name && types.TryGetValue(name, out var definition))
        {
            element = definition switch
            {
                TypedefDefinition t => DescribeWire(t.Body, types, depth + 1),
                StructDefinition s => "{" + string.Join(" ", s.Fields.Select(f => DescribeWire(f, types, depth + 1))) + "}",
                EnumDefinition => "Int32",
                _ => name,
            };
        }
        else element = declaration.Type.Name ?? "?";
        return declaration.Kind switch
        {
            DeclarationKind.Scalar => element,
            DeclarationKind.Optional => element + "*",
            DeclarationKind.FixedArray => $"{element}[{declaration.Bound}]",
            DeclarationKind.VariableArray => $"{element}<{declaration.Bound}>",
            DeclarationKind.FixedOpaque => $"opaque[{declaration.Bound}]",
            DeclarationKind.VariableOpaque => $"opaque<{declaration.Bound}>",
            DeclarationKind.String => $"string<{declaration.Bound}>",
            _ => "void",
        };
    }

    private static void CheckPrograms(InterfaceModel model, Dictionary<string, Definition> types, DiagnosticBag diagnostics)
    {
        var programNumbers = new Dictionary<long, ProgramDefinition>();
        foreach (var program in model.Programs)
        {
            if (programNumbers.TryGetValue(program.Number, out var other))
                diagnostics.Add(DiagnosticDescriptors.DuplicateProgramNumber, program.Location, program.Number, program.Name, other.Name);
            else programNumbers[program.Number] = program;
            var versions = new HashSet<long>();
            foreach (var version in program.Versions)
            {
                if (!versions.Add(version.Number))
                    diagnostics.Add(DiagnosticDescriptors.DuplicateVersionNumber, version.Location, version.Number, program.Name);
                var procedures = new Dictionary<long, ProgramProcedure>();
                foreach (var procedure in version.Procedures)
                {
                    if (procedures.TryGetValue(procedure.Number, out var same))
                        diagnostics.Add(DiagnosticDescriptors.DuplicateOpcode, procedure.Location, procedure.Number, procedure.Name, same.Name, version.Name);
                    else procedures[procedure.Number] = procedure;
                    CheckDeclaration(procedure.Result, types, diagnostics);
                    foreach (var argument in procedure.Arguments) CheckDeclaration(argument, types, diagnostics);
                }
            }
        }
    }
}
