using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Golden.Afs;
using Golden.AfsCb;
using Golden.AfsCommon;
using Golden.Vl;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Xdr;

namespace RxGen.Afs.Benchmarks;

/// <summary>
/// One run against a fresh loopback OpenAFS cell:
/// 1. a VLDB of N entries (created through the generated VL client), listed by <c>afsvl listvldb</c> and by
///    <c>vos listvldb</c> (wall time of each process, median of R runs, both checked for N+1 entries);
/// 2. a 64 MiB file stored with StoreData64 and fetched with FetchData64 through the generated FS client
///    (with its callback service), and fetched by OpenAFS's <c>afsio fidread</c> (the content checked: SHA-256 / MD5).
/// OpenAFS's <c>afsio write</c> crashes on Debian 1.8.9, so the store has no C figure.
/// Usage: dotnet run -c Release --project tests/RxGen.Afs.Benchmarks [-- --entries N] [--mib M] [--runs R]
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        int entries = Arg(args, "--entries", 1000), mib = Arg(args, "--mib", 64), runs = Arg(args, "--runs", 5);
        string repo = FindRepo();
        string afsvl = Path.Combine(repo, "examples/afs/AfsVl/bin/Release/net10.0/afsvl.dll");
        if (!File.Exists(afsvl))
        {
            Console.Error.WriteLine($"{afsvl} missing: dotnet pwsh build.ps1 pack && dotnet build examples/afs/AfsVl -c Release");
            return 2;
        }
        string cellScripts = Path.Combine(repo, "tests/peers/afs-cell");
        string state = Path.Combine(Path.GetTempPath(), $"rxgen-afs-bench-{Environment.ProcessId}");
        using var cellLock = new FileStream("/tmp/rxgen-openafs-cell.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        var start = Run("bash", [Path.Combine(cellScripts, "start-cell.sh"), state, "--full"], null);
        if (start.Exit != 0)
        {
            Console.Error.WriteLine(start.Output);
            return 1;
        }
        try
        {
            string etc = Path.Combine(state, "etc");
            uint rootId = uint.Parse(File.ReadAllLines(Path.Combine(state, "cell.info")).First(l => l.StartsWith("root_afs_id=", StringComparison.Ordinal))[12..]);
            await using var peer = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            var callbacks = new CacheManagerCallbacks(IPAddress.Loopback);
            peer.AddService(new RXAFSCBDispatcher(callbacks));

            // 1. VLDB listing.
            var inProcessTimes = new List<double>();
            await using (var vlConnection = peer.Connect(new IPEndPoint(IPAddress.Loopback, 7003), VLProtocol.ServiceId))
            {
                var vl = new VLClient(vlConnection);
                var created = Stopwatch.StartNew();
                for (int i = 0; i < entries; i++)
                {
                    var e = new nvldbentry { Name = XdrText.ToCChars($"bench.v{i:D5}", VldbintIdl.VL_MAXNAMELEN), NServers = 1, Flags = VldbintIdl.VLF_RWEXISTS };
                    e.VolumeId[0] = 536880000u + (uint)(3 * i);
                    e.ServerNumber[0] = 0x7f010001;
                    e.ServerFlags[0] = VldbintIdl.VLSF_RWVOL;
                    await vl.CreateEntryNAsync(e);
                }
                Console.WriteLine($"created {entries} VLDB entries with CreateEntryN in {created.Elapsed.TotalSeconds:F2} s ({entries / created.Elapsed.TotalSeconds:F0} calls/s)");
                // The listing alone, in this process (no start-up): ListAttributesN2 pages, as afsvl and vos page.
                for (int r = 0; r < runs + 1; r++)
                {
                    var sw = Stopwatch.StartNew();
                    int count = 0, index = 0;
                    while (true)
                    {
                        var page = await vl.ListAttributesN2Async(new VldbListByAttributes(), "", index);
                        count += page.Nentries;
                        if (page.Nextstartindex == -1) break;
                        index = page.Nextstartindex;
                    }
                    Check(count == entries + 1, "ListAttributesN2 paging", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (r > 0) inProcessTimes.Add(sw.Elapsed.TotalSeconds); // the first run warms up
                }
            }
            var afsvlTimes = new List<double>();
            var vosTimes = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                var a = Run("dotnet", [afsvl, "listvldb", "--server", "127.0.0.1"], null);
                Check(a.Exit == 0 && a.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == entries + 1, "afsvl listvldb", a.Output);
                afsvlTimes.Add(a.Seconds);
                var v = Run("vos", ["listvldb", "-noauth", "-noresolve", "-cell", "test.cell", "-config", etc], null);
                Check(v.Exit == 0 && v.Output.Contains($"Total entries: {entries + 1}", StringComparison.Ordinal), "vos listvldb", v.Output);
                vosTimes.Add(v.Seconds);
            }
            double afsvlMedian = Median(afsvlTimes), vosMedian = Median(vosTimes);

            // 2. 64 MiB through the FS client, and afsio.
            await using var fsConnection = peer.Connect(new IPEndPoint(IPAddress.Parse("127.1.0.1"), 7000), RXAFSProtocol.ServiceId);
            var fs = new RXAFSClient(fsConnection);
            var root = new AFSFid { Volume = rootId, Vnode = 1, Unique = 1 };
            var file = await fs.CreateFileAsync(root, "bench-64MiB", new AFSStoreStatus { Mask = 8, UnixModeBits = 0x1a4 });
            long size = (long)mib << 20;
            var content = new byte[size];
            new Random(7).NextBytes(content);
            var storeTimes = new List<double>();
            var fetchTimes = new List<double>();
            var afsioTimes = new List<double>();
            string md5 = Convert.ToHexStringLower(MD5.HashData(content));
            byte[] sha = SHA256.HashData(content);
            var fetched = new byte[size];
            for (int r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                await using (var store = await fs.StartStoreData64Async(file.OutFid, new AFSStoreStatus(), 0, (ulong)size, (ulong)size))
                {
                    for (long o = 0; o < size; o += 1 << 20) await store.WriteAsync(content.AsMemory((int)o, 1 << 20));
                    await store.EndAsync();
                }
                storeTimes.Add(sw.Elapsed.TotalSeconds);

                sw.Restart();
                await using (var fetch = await fs.StartFetchData64Async(file.OutFid, 0, size))
                {
                    var length = new byte[8];
                    await ReadAll(fetch, length);
                    Check(BinaryPrimitives.ReadInt64BigEndian(length) == size, "FetchData64 length", "");
                    await ReadAll(fetch, fetched);
                    await fetch.EndAsync();
                }
                fetchTimes.Add(sw.Elapsed.TotalSeconds);
                Check(SHA256.HashData(fetched).AsSpan().SequenceEqual(sha), "FetchData64 content", "");

                var io = Run("afsio", ["fidread", "-fid", $"{file.OutFid.Volume}.{file.OutFid.Vnode}.{file.OutFid.Unique}", "-cell", "test.cell", "-clear", "-md5"],
                    new Dictionary<string, string> { ["AFSCONF"] = etc });
                Check(io.Exit == 0 && io.Output.Contains(md5, StringComparison.Ordinal), "afsio fidread -md5", io.Output.Length > 2000 ? io.Output[..2000] : io.Output);
                afsioTimes.Add(io.Seconds);
            }
            double mb = size / 1e6;
            Console.WriteLine();
            Console.WriteLine($"| measurement | C# (RxGen) | OpenAFS C | C/C# time |");
            Console.WriteLine($"|---|---:|---:|---:|");
            Console.WriteLine($"| list a {entries + 1}-entry VLDB (process wall time, median of {runs}) | afsvl listvldb {afsvlMedian * 1000:F0} ms | vos listvldb {vosMedian * 1000:F0} ms | {vosMedian / afsvlMedian:F2} |");
            Console.WriteLine($"| the same listing in-process (generated VL client, ListAttributesN2 pages, no process start-up) | {Median(inProcessTimes) * 1000:F1} ms | | {vosMedian / Median(inProcessTimes):F2} |");
            Console.WriteLine($"| fetch {mib} MiB (FetchData64, median of {runs}) | {Median(fetchTimes) * 1000:F0} ms ({mb / Median(fetchTimes):F0} MB/s, in-process) | afsio fidread {Median(afsioTimes) * 1000:F0} ms ({mb / Median(afsioTimes):F0} MB/s, process) | {Median(afsioTimes) / Median(fetchTimes):F2} |");
            Console.WriteLine($"| store {mib} MiB (StoreData64, median of {runs}) | {Median(storeTimes) * 1000:F0} ms ({mb / Median(storeTimes):F0} MB/s) | (afsio write crashes on Debian 1.8.9) | |");
            Console.WriteLine($"runs: afsvl {Join(afsvlTimes)}; vos {Join(vosTimes)}; fetch {Join(fetchTimes)}; afsio {Join(afsioTimes)}; store {Join(storeTimes)} (s)");
            Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
            await fs.RemoveFileAsync(root, "bench-64MiB");
            return 0;
        }
        finally
        {
            Run("bash", [Path.Combine(cellScripts, "stop-cell.sh"), state], null);
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }

    private static async Task ReadAll(RXAFSFetchData64Call call, Memory<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = await call.ReadAsync(buffer);
            if (n == 0) throw new EndOfStreamException("FetchData64 ended early");
            buffer = buffer[n..];
        }
    }

    private static void Check(bool ok, string what, string output)
    {
        if (!ok) throw new InvalidOperationException($"{what} failed:\n{output}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Join(List<double> values) => string.Join(" ", values.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RxGen.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RxGen.sln not found above " + AppContext.BaseDirectory);
    }

    private static (int Exit, string Output, double Seconds) Run(string file, string[] arguments, Dictionary<string, string>? env)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000))
        {
            p.Kill(true);
            return (-1, "timeout", sw.Elapsed.TotalSeconds);
        }
        p.WaitForExit();
        double seconds = sw.Elapsed.TotalSeconds;
        return (p.ExitCode, stdout.Result + stderr.Result, seconds);
    }
}
