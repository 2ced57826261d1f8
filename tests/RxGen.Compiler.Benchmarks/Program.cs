using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using RxGen.Compiler;
using RxGen.Compiler.Preprocessing;

// Usage: dotnet run -c Release --project tests/RxGen.Compiler.Benchmarks [-- depth|size|all]
// Each case runs in a fresh child process so that its peak working set is its own.
if (args.Length == 3 && args[0] == "--case")
{
    var text = Generate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    var sources = new Sources(text);
    var stopwatch = Stopwatch.StartNew();
    var (_, diagnostics, _) = RxGenCompiler.Analyze(new CompileRequest("bench.x", text, sources));
    stopwatch.Stop();
    using var self = Process.GetCurrentProcess();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{args[1],-9} {args[2],9} {text.Length / 1e6,9:F2} MB {stopwatch.Elapsed.TotalSeconds,8:F2} s {self.PeakWorkingSet64 / 1048576.0,8:F0} MiB {diagnostics.Count,6} diagnostics"));
    return 0;
}

var mode = args.Length > 0 ? args[0] : "all";
var cases = new List<(string Kind, int N)>();
if (mode is "depth" or "all")
    foreach (var kind in new[] { "struct", "union", "typedef", "fixed", "optional", "cycle" })
        foreach (var n in new[] { 1000, 3000, 10000 }) cases.Add((kind, n));
if (mode is "size" or "all")
{
    foreach (var n in new[] { 20_000, 200_000, 2_000_000 }) cases.Add(("const", n));
    foreach (var n in new[] { 30_000, 300_000 }) cases.Add(("line", n));
}
Console.WriteLine("kind            n      input     front end   peak WS");
foreach (var (kind, n) in cases)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    if (!Environment.ProcessPath!.EndsWith("RxGen.Compiler.Benchmarks", StringComparison.Ordinal) && !Environment.ProcessPath.EndsWith(".exe", StringComparison.Ordinal))
        start.ArgumentList.Add(typeof(Sources).Assembly.Location);
    foreach (var a in new[] { "--case", kind, n.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
    using var child = Process.Start(start)!;
    Console.Write(child.StandardOutput.ReadToEnd());
    if (!child.WaitForExit(600_000)) { child.Kill(); Console.WriteLine($"{kind} {n}: timed out"); }
}
return 0;

static string Generate(string kind, int n)
{
    var sb = new StringBuilder();
    if (kind == "line")
    {
        for (var i = 0; i < n; i++) sb.Append("const C").Append(i).Append(" = ").Append(i).Append("; ");
        return sb.Append('\n').ToString();
    }
    for (var i = 0; i < n; i++)
    {
        var inner = i == 0 ? "int" : "s" + (i - 1).ToString(CultureInfo.InvariantCulture);
        sb.Append(kind switch
        {
            "struct" => $"struct s{i} {{ {inner} a; }};\n",
            "union" => $"union s{i} switch (int d) {{ case 0: {inner} a; default: void; }};\n",
            "typedef" => $"typedef {inner} s{i};\n",
            "fixed" => $"typedef {inner} s{i}[2];\n",
            "optional" => $"struct s{i} {{ {inner} *a; }};\n",
            "cycle" => $"struct s{i} {{ int v; s{(i + 1) % n} next; }};\n",
            "const" => $"const C{i} = {i};\n",
            _ => throw new ArgumentException("unknown kind " + kind),
        });
    }
    return sb.ToString();
}

internal sealed class Sources : ISourceProvider
{
    private readonly string _text;
    public Sources(string text) => _text = text;
    public bool TryGetText(string path, out string text)
    {
        text = path == "bench.x" ? _text : string.Empty;
        return path == "bench.x";
    }
}
