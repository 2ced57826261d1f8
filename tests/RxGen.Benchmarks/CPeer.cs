using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace RxGen.Benchmarks;

/// <summary>
/// An rpcgen + libtirpc baseline, tests/peers/build/&lt;shape&gt;_bench (built by
/// <c>bash tests/peers/build.sh tests/peers/build</c> after <c>bash scripts/install-peers.sh</c>).
/// </summary>
internal sealed partial class CPeer
{
    private readonly string _name;
    private readonly string _binary;
    private readonly int? _cpu;
    private readonly string? _taskset;

    private CPeer(string name, string binary, int? cpu, string? taskset)
    {
        _name = name;
        _binary = binary;
        _cpu = cpu;
        _taskset = taskset;
    }

    /// <summary>The path of the peer <paramref name="name"/> (e.g. <c>nested_bench</c>) under the repository.</summary>
    public static string PathIn(string repoRoot, string name) => Path.Combine(repoRoot, "tests", "peers", "build", name);

    /// <summary>
    /// The peer, or null with <paramref name="error"/> set when it has not been built. With a
    /// <paramref name="cpu"/>, timed runs go through <c>taskset -c CPU</c>.
    /// </summary>
    public static CPeer? Find(string repoRoot, string name, int? cpu, out string? error)
    {
        string binary = PathIn(repoRoot, name);
        if (!File.Exists(binary))
        {
            error = $"the C peer {binary} does not exist. Build it with:{Environment.NewLine}" +
                $"  bash scripts/install-peers.sh && bash tests/peers/build.sh tests/peers/build{Environment.NewLine}" +
                "(or pass --no-peer to benchmark C# alone against the hex pinned in tests/peers/SAMPLES.md)";
            return null;
        }

        string? taskset = null;
        if (cpu is not null)
        {
            taskset = ProcessRunner.FindOnPath("taskset");
            if (taskset is null)
            {
                error = "taskset (util-linux) not found; install it or pass --no-pin";
                return null;
            }
        }

        error = null;
        return new CPeer(name, binary, cpu, taskset);
    }

    /// <summary>The peer's encoding of its sample (<c>&lt;shape&gt;_bench hex</c>).</summary>
    public string Hex()
    {
        ProcessRunner.Result r = ProcessRunner.Run(_binary, ["hex"]);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{_binary} hex exited with {r.ExitCode}: {r.StdErr.Trim()}");
        }

        return r.StdOut.Trim();
    }

    /// <summary>One timed run: <c>&lt;shape&gt;_bench encode|decode|decode-nofree ITER</c>, returning ns/op and the encoded size.</summary>
    public (double NsPerOp, int Bytes) Time(string operation, long iterations)
    {
        var args = new List<string>();
        string file = _binary;
        if (_taskset is not null)
        {
            file = _taskset;
            args.AddRange(["-c", _cpu!.Value.ToString(CultureInfo.InvariantCulture), _binary]);
        }

        args.Add(operation);
        args.Add(iterations.ToString(CultureInfo.InvariantCulture));
        ProcessRunner.Result r = ProcessRunner.Run(file, args);
        Match m = ResultLine().Match(r.StdOut);
        if (r.ExitCode != 0 || !m.Success)
        {
            throw new InvalidOperationException(
                $"{string.Join(' ', [file, .. args])} failed (exit {r.ExitCode}): {r.StdOut.Trim()} {r.StdErr.Trim()}");
        }

        return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>A human-readable form of how the timed runs are started.</summary>
    public string CommandLine(string operation, long iterations) =>
        (_taskset is null ? "" : $"taskset -c {_cpu} ") + $"tests/peers/build/{_name} {operation} {iterations}";

    [GeneratedRegex(@"ns_per_op=([0-9.eE+-]+)\s+bytes=([0-9]+)")]
    private static partial Regex ResultLine();
}
