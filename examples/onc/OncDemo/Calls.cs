using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OncDemo.KvStore;
using RxGen.Runtime.Rpc;

namespace OncDemo;

/// <summary>One parsed <c>oncdemo call</c> request: the procedure and its arguments, or why they are wrong.</summary>
public sealed record CallRequest(string Procedure, string[] Arguments, uint Version, string? Error)
{
    private static readonly (string Name, int MinArgs, int MaxArgs, uint FirstVersion)[] Table =
    [
        ("null", 0, 0, 1), ("put", 2, 2, 1), ("get", 1, 1, 1), ("delete", 1, 1, 1), ("list", 0, 0, 1),
        ("cas", 3, 3, 2), ("getmany", 1, KvstoreIdl.KV_MAXBATCH, 2), ("stats", 0, 0, 2), ("count", 1, 1, 2),
    ];

    /// <summary>Checks the procedure name, the argument count and the version.</summary>
    public static CallRequest Parse(string procedure, string[] arguments, uint version)
    {
        string name = procedure.ToLowerInvariant();
        foreach (var (n, min, max, first) in Table)
        {
            if (n != name) continue;
            if (arguments.Length < min || arguments.Length > max)
            {
                string count = min == max ? min.ToString(CultureInfo.InvariantCulture) : $"{min} to {max}";
                return new CallRequest(name, arguments, version, $"{name} takes {count} argument(s), not {arguments.Length}");
            }
            // NULL goes to any version (a way to see PROG_MISMATCH); the others need a version that has them.
            if (name != "null" && (version < first || version > 2))
            {
                return new CallRequest(name, arguments, version, $"{name} is in version{(first == 1 ? "s 1 and" : "")} 2 of KVSTORE_PROG, not {version}");
            }
            if (name == "cas" && !ulong.TryParse(arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return new CallRequest(name, arguments, version, $"cas: '{arguments[1]}' is not a version number");
            }
            return new CallRequest(name, arguments, version, null);
        }
        return new CallRequest(name, arguments, version, $"unknown procedure '{procedure}' (null, put, get, delete, list, cas, getmany, stats, count)");
    }
}

/// <summary>Runs a request through the generated clients and prints the result, one line per item.</summary>
public static class Calls
{
    /// <summary>Calls the procedure over the transport and prints its result.</summary>
    public static async Task RunAsync(IOncCallTransport transport, CallRequest request, TextWriter stdout, CancellationToken ct)
    {
        string[] a = request.Arguments;
        if (request.Procedure == "null")
        {
            // Straight through the transport, so any version number can be asked for.
            using var reply = await transport.CallAsync(Program.ProgramNumber, request.Version, KVSTORE_V2Protocol.Procedures.KvprocNull, ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
            stdout.WriteLine("ok");
            return;
        }
        if (request.Version == 1)
        {
            var v1 = new KVSTORE_V1Client(transport);
            switch (request.Procedure)
            {
                case "put": stdout.WriteLine(await v1.KvprocPutAsync(a[0], ParseValue(a[1]), ct).ConfigureAwait(false)); break;
                case "get": stdout.WriteLine(Format(await v1.KvprocGetAsync(a[0], ct).ConfigureAwait(false))); break;
                case "delete": stdout.WriteLine(await v1.KvprocDeleteAsync(a[0], ct).ConfigureAwait(false)); break;
                default: PrintList(await v1.KvprocListAsync(ct).ConfigureAwait(false), stdout); break;
            }
            return;
        }
        var v2 = new KVSTORE_V2Client(transport);
        switch (request.Procedure)
        {
            case "put": stdout.WriteLine(await v2.KvprocPutAsync(a[0], ParseValue(a[1]), ct).ConfigureAwait(false)); break;
            case "get": stdout.WriteLine(Format(await v2.KvprocGetAsync(a[0], ct).ConfigureAwait(false))); break;
            case "delete": stdout.WriteLine(await v2.KvprocDeleteAsync(a[0], ct).ConfigureAwait(false)); break;
            case "list": PrintList(await v2.KvprocListAsync(ct).ConfigureAwait(false), stdout); break;
            case "cas":
                var cas = await v2.KvprocCasAsync(new kvcasargs
                {
                    Key = a[0],
                    ExpectedVersion = ulong.Parse(a[1], NumberStyles.None, CultureInfo.InvariantCulture),
                    Value = ParseValue(a[2]),
                }, ct).ConfigureAwait(false);
                stdout.WriteLine(cas.IsNewVersion ? $"KV_OK {cas.NewVersion}" : cas.IsCurrentVersion ? $"{cas.Status} {cas.CurrentVersion}" : cas.Status.ToString());
                break;
            case "getmany":
                var many = await v2.KvprocGetmanyAsync(a, ct).ConfigureAwait(false);
                for (int i = 0; i < many.Length; i++) stdout.WriteLine((i < a.Length ? a[i] : "?") + " " + Format(many[i]));
                break;
            case "stats":
                var s = await v2.KvprocStatsAsync(ct).ConfigureAwait(false);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"entries={s.Entries} bytes={s.Bytes} readonly={(s.Readonly ? "true" : "false")} uptime_ns={s.UptimeNs}"));
                break;
            default:
                var count = await v2.KvprocCountAsync(a[0], ct).ConfigureAwait(false);
                stdout.WriteLine(count.IsCount ? $"KV_OK {count.Count}" : count.Status.ToString());
                break;
        }
    }

    private static void PrintList(kventry? entry, TextWriter stdout)
    {
        // An iterative walk: a long list is never recursed into.
        for (int n = 0; entry is not null && n < 1_000_000; entry = entry.Next, n++)
        {
            stdout.WriteLine(entry.Key + " " + FormatValue(entry.Value));
        }
    }

    private static string Format(kvgetres result) => result.IsValue ? "KV_OK " + FormatValue(result.Value) : result.Status.ToString();

    /// <summary>A value as printable ASCII text when it is that, else as 0x and lower-case hex.</summary>
    public static string FormatValue(byte[] value)
    {
        foreach (byte b in value)
        {
            if (b is < 0x20 or > 0x7e) return "0x" + Convert.ToHexStringLower(value);
        }
        return Encoding.ASCII.GetString(value);
    }

    /// <summary>A command-line value: 0x and an even number of hex digits is raw bytes, anything else its UTF-8 text.</summary>
    public static byte[] ParseValue(string text)
    {
        if (text.Length >= 2 && text.Length % 2 == 0 && text.StartsWith("0x", StringComparison.Ordinal))
        {
            try
            {
                return Convert.FromHexString(text.AsSpan(2));
            }
            catch (FormatException)
            {
            }
        }
        return Encoding.UTF8.GetBytes(text);
    }
}
