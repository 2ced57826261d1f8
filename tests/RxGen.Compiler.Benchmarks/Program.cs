using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using RxGen.Compiler;
using RxGen.Compiler.Model;
using RxGen.Compiler.Preprocessing;

// Usage: dotnet run -c Release --project tests/RxGen.Compiler.Benchmarks [-- depth|wide|size|all|KIND:N[:front|:memory],... [timeout-seconds]]
// Each case runs in a fresh child process so that its peak working set is its own. A case is the whole compilation
// as the CLI runs it (RxGenCompiler.Prepare: preprocess, parse, model, validate; one compacting collection for an
// input of 1 Mi characters or more; then every output written straight
// into a file of a temporary directory through Compilation.WriteOutput), start-up and JIT excluded; ":memory" cases
// use RxGenCompiler.Compile instead (output kept in memory as strings, as the source generator needs it); "cpu" is the process's CPU time over the same span (all threads: JIT, GC), less sensitive than wall time
// to other load on the machine; "peak/in" is the process's peak working set over the input size. "/front" cases stop after the front
// end (RxGenCompiler.Analyze: no emission).
if (args.Length >= 3 && args[0] == "--case")
{
    // The streaming case drops the input after the front end, as the CLI does (its text is not referenced after
    // RxGenCompiler.Prepare); the others keep it, as a host holding its strings does.
    var input = MakeInput(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), out var inputLength);
    var sources = new Sources(input);
    var frontOnly = args.Length > 3 && args[3] == "front";
    var inMemory = args.Length > 3 && args[3] == "memory";
    var outputDir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rxgen-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    long output = 0;
    var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    CompileResult result;
    if (frontOnly)
    {
        var (model, front, _) = RxGenCompiler.Analyze(new CompileRequest("bench.x", input.Value!, sources));
        result = new CompileResult(model, EquatableArray<GeneratedFile>.Empty, front.ToEquatableArray(), EquatableArray<string>.Empty);
    }
    else if (inMemory)
    {
        result = RxGenCompiler.Compile(new CompileRequest("bench.x", input.Value!, sources));
        output = result.Files.Sum(f => (long)f.Text.Length);
    }
    else
    {
        var compilation = PrepareAndDropInput(input, sources);
        AfterFrontEnd(inputLength);
        System.IO.Directory.CreateDirectory(outputDir);
        var failure = compilation.WriteOutputs(f => new System.IO.StreamWriter(System.IO.Path.Combine(outputDir, f.FileName), false, new UTF8Encoding(false), 65536));
        var diagnostics = failure is null ? compilation.Diagnostics : compilation.Diagnostics.Concat(new[] { failure }).ToEquatableArray();
        result = new CompileResult(compilation.Model, EquatableArray<GeneratedFile>.Empty, diagnostics, compilation.IncludedFiles);
    }
    stopwatch.Stop();
    if (System.IO.Directory.Exists(outputDir))
    {
        output = System.IO.Directory.GetFiles(outputDir).Sum(f => new System.IO.FileInfo(f).Length);
        System.IO.Directory.Delete(outputDir, recursive: true);
    }
    using var self = Process.GetCurrentProcess();
    var cpu = (self.TotalProcessorTime - cpuStart).TotalSeconds;
    var peak = self.PeakWorkingSet64;
    var errors = result.Diagnostics.Where(d => d.IsError).Select(d => d.Id).Distinct().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{args[1] + (frontOnly ? "/front" : inMemory ? "/memory" : ""),-15} {args[2],9} {inputLength / 1e6,8:F2} MB {stopwatch.Elapsed.TotalSeconds,8:F2} s {cpu,7:F2} s {peak / 1048576.0,7:F0} MiB {peak / (double)Math.Max(1, inputLength),7:F1}x {output / 1e6,9:F2} MB {result.Diagnostics.Count,6} {string.Join(",", errors)}"));
    if (Environment.GetEnvironmentVariable("RXGEN_BENCH_GC") is not null)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  gc: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections (gen0/1/2), {GC.GetTotalPauseDuration().TotalSeconds:F2} s paused, {GC.GetTotalAllocatedBytes() / 1e6:F0} MB allocated"));
    return 0;
}

var mode = args.Length > 0 ? args[0] : "all";
var timeout = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600;
var cases = new List<(string Kind, int N, string Stop)>();
if (mode is "depth" or "all")
    foreach (var kind in new[] { "struct", "union", "typedef", "fixed", "optional", "typedefopt", "cycle" })
        foreach (var n in new[] { 1000, 3000, 10000 }) cases.Add((kind, n, "all"));
if (mode is "wide" or "all")
    foreach (var n in new[] { 20, 40, 10000 }) cases.Add(("doubling", n, "all"));
if (mode is "size" or "all")
{
    foreach (var front in new[] { "front", "all", "memory" })
    {
        foreach (var n in new[] { 20_000, 200_000, 2_000_000 }) cases.Add(("const", n, front));
        foreach (var n in new[] { 30_000, 300_000 }) cases.Add(("line", n, front));
        foreach (var n in new[] { 10_000, 100_000 }) cases.Add(("structs", n, front));
    }
}
if (!new[] { "depth", "wide", "size", "all" }.Contains(mode))
    foreach (var spec in args[0].Split(',')) { var p = spec.Split(':'); cases.Add((p[0], int.Parse(p[1], CultureInfo.InvariantCulture), p.Length > 2 ? p[2] : "all")); }
Console.WriteLine("kind                    n    input        wall       cpu   peak WS  peak/in     output  diags errors");
foreach (var (kind, n, front) in cases)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    if (!Environment.ProcessPath!.EndsWith("RxGen.Compiler.Benchmarks", StringComparison.Ordinal) && !Environment.ProcessPath.EndsWith(".exe", StringComparison.Ordinal))
        start.ArgumentList.Add(typeof(Sources).Assembly.Location);
    foreach (var a in new[] { "--case", kind, n.ToString(CultureInfo.InvariantCulture), front }) start.ArgumentList.Add(a);
    using var child = Process.Start(start)!;
    var line = child.StandardOutput.ReadToEndAsync();
    if (!child.WaitForExit(timeout * 1000))
    {
        child.Kill();
        Console.WriteLine($"{kind + (front == "all" ? "" : "/" + front),-15} {n,9}: timed out after {timeout} s");
        continue;
    }
    Console.Write(line.Result);
}
return 0;

// The input string never sits in a local of the case's own frame: that frame runs unoptimized (it runs once), and
// there every local and temporary is reported live to the GC until the method returns, so the input would stay
// reachable through the emission although nothing uses it.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static System.Runtime.CompilerServices.StrongBox<string?> MakeInput(string kind, int n, out int length)
{
    var text = Generate(kind, n);
    length = text.Length;
    return new System.Runtime.CompilerServices.StrongBox<string?>(text);
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static RxGenCompilation PrepareAndDropInput(System.Runtime.CompilerServices.StrongBox<string?> input, ISourceProvider sources)
{
    var compilation = RxGenCompiler.Prepare(new CompileRequest("bench.x", input.Value!, sources));
    input.Value = null;
    return compilation;
}

// Called once PrepareAndDropInput has returned (its own frame held the input until then).
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void AfterFrontEnd(int inputLength)
{
    // RXGEN_BENCH_PAUSE=S: wait S seconds after the front end (the model held, the input dropped), e.g. for
    // 'dotnet-gcdump collect -p PID' to show what the heap holds.
    if (int.TryParse(Environment.GetEnvironmentVariable("RXGEN_BENCH_PAUSE"), NumberStyles.None, CultureInfo.InvariantCulture, out var pause))
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  pid {Environment.ProcessId}: pausing {pause} s after the front end"));
        System.Threading.Thread.Sleep(pause * 1000);
    }
    if (Environment.GetEnvironmentVariable("RXGEN_BENCH_GC") is not null)
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  last GC #{info.Index} gen{info.Generation}: heap {info.HeapSizeBytes / 1048576.0:F0} MiB, fragmented {info.FragmentedBytes / 1048576.0:F0} MiB, committed {info.TotalCommittedBytes / 1048576.0:F0} MiB, promoted {info.PromotedBytes / 1048576.0:F0} MiB; after it by generation (0..4): {string.Join(" / ", info.GenerationInfo.ToArray().Select(g => (g.SizeAfterBytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) + "+" + (g.FragmentationAfterBytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)))} MiB (size+fragmentation)"));
    }
    // As the CLI does (RxGen.Cli Program.CompactAfterFrontEnd): one compacting collection before emission for an
    // input of 1 Mi characters or more; RXGEN_BENCH_NO_COMPACT=1 leaves it out.
    if (inputLength >= 1 << 20 && Environment.GetEnvironmentVariable("RXGEN_BENCH_NO_COMPACT") is null)
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    if (Environment.GetEnvironmentVariable("RXGEN_BENCH_GC") is not null)
    {
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after the front end: peak {self.PeakWorkingSet64 / 1048576.0:F0} MiB, working set {self.WorkingSet64 / 1048576.0:F0} MiB, heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB, live {GC.GetTotalMemory(true) / 1048576.0:F0} MiB"));
    }
}

// The input is made in place (its length first, then its characters), so that the process holds it once: a
// StringBuilder and its ToString copy would add twice the input to the peak working set measured.
static string Generate(string kind, int n)
{
    long length = 0;
    foreach (var piece in Pieces(kind, n)) length += piece.Length;
    return string.Create(checked((int)length), (kind, n), static (span, state) =>
    {
        var at = 0;
        foreach (var piece in Pieces(state.kind, state.n))
        {
            piece.AsSpan().CopyTo(span.Slice(at));
            at += piece.Length;
        }
    });
}

static IEnumerable<string> Pieces(string kind, int n)
{
    if (kind == "line")
    {
        for (var i = 0; i < n; i++) yield return $"const C{i} = {i}; ";
        yield return "\n";
        yield break;
    }
    for (var i = 0; i < n; i++)
    {
        var inner = i == 0 ? "int" : "s" + (i - 1).ToString(CultureInfo.InvariantCulture);
        yield return kind switch
        {
            "struct" => $"struct s{i} {{ {inner} a; }};\n",
            "union" => $"union s{i} switch (int d) {{ case 0: {inner} a; default: void; }};\n",
            "typedef" => $"typedef {inner} s{i};\n",
            "fixed" => $"typedef {inner} s{i}[2];\n",
            "optional" => $"struct s{i} {{ {inner} *a; }};\n",
            "typedefopt" => $"typedef {inner} *s{i};\n",
            "doubling" => $"struct s{i} {{ {inner} a; {inner} b; }};\n",
            "cycle" => $"struct s{i} {{ int v; s{(i + 1) % n} next; }};\n",
            "const" => $"const C{i} = {i};\n",
            "structs" => $"/* s{i} */\nstruct s{i} {{ int a; string b<64>; opaque c[8]; }};\n",
            _ => throw new ArgumentException("unknown kind " + kind),
        };
    }
}

internal sealed class Sources : ISourceProvider
{
    private readonly System.Runtime.CompilerServices.StrongBox<string?> _text;
    public Sources(System.Runtime.CompilerServices.StrongBox<string?> text) => _text = text;
    public bool TryGetText(string path, out string text)
    {
        text = path == "bench.x" ? _text.Value ?? string.Empty : string.Empty;
        return path == "bench.x" && _text.Value is not null;
    }
}
