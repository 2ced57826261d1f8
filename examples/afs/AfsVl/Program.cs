using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AfsVl.Vl;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;

namespace AfsVl;

/// <summary>
/// afsvl: a small vos-like console over the generated VL client and server.
/// Exit status: 0 success; 1 the call failed (unreachable server, abort), with a one-line error; 2 bad usage.
/// </summary>
public static class Program
{
    public const int VlPort = 7003;

    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        return await RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var server = new Option<string>("--server", "-s") { Description = "VL server: HOST[:PORT] (port 7003 by default; [v6addr]:port for IPv6)", Required = true };
        var timeout = new Option<double>("--timeout") { Description = "Seconds before a call is given up", DefaultValueFactory = _ => 30 };
        var name = new Argument<string>("volume") { Description = "Volume name or numeric id" };
        var port = new Option<int>("--port", "-p") { Description = "UDP port to serve on", DefaultValueFactory = _ => VlPort };
        var bind = new Option<string>("--bind") { Description = "Address to bind (default: all, IPv4 and IPv6)", DefaultValueFactory = _ => "::" };
        var db = new Option<string>("--db") { Description = "The VLDB as a JSON file (loaded at start, saved on every change)", Required = true };
        var upgrade = new Option<bool>("--upgrade") { Description = "Also serve YFSVL (service 2503) on the same port and upgrade VL (52) connections that ask for it" };

        var listvldb = new Command("listvldb", "List every VLDB entry: NAME RW=<id> RO=<id> BK=<id> SITES=<n>, ordered by name") { server, timeout };
        var examine = new Command("examine", "Show one VLDB entry (GetEntryByNameN)") { name, server, timeout };
        var capabilities = new Command("capabilities", "Show what GetCapabilities answers, or its abort code") { server, timeout };
        var fileservers = new Command("fileservers", "List the file servers' endpoints: IPv4 and IPv6 when the server upgrades to YFSVL, IPv4 (VL) otherwise") { server, timeout };
        var serve = new Command("serve", "Run a VL server over a JSON VLDB (vos listvldb/examine/listaddrs work against it)") { port, bind, db, upgrade };
        var root = new RootCommand("afsvl: AFS volume location over RxGen's generated VL client and server") { listvldb, examine, capabilities, fileservers, serve };

        var parse = root.Parse(args);
        if (args.Length == 0 || args.Any(a => a is "--help" or "-h" or "-?"))
        {
            parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
            return args.Length == 0 ? 2 : 0;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine("afsvl: " + error.Message);
            return 2;
        }

        var command = parse.CommandResult.Command;
        try
        {
            if (command == serve)
            {
                var database = VolumeDatabase.Load(parse.GetValue(db)!);
                if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
                {
                    stderr.WriteLine($"afsvl: --bind '{parse.GetValue(bind)}' is not an IP address");
                    return 2;
                }
                int p = parse.GetValue(port);
                if (p is < 0 or > 65535)
                {
                    stderr.WriteLine($"afsvl: --port {p} is out of range");
                    return 2;
                }
                await using (var serverPeer = await RxPeer.BindAsync(new IPEndPoint(address, p), cancellationToken: stop).ConfigureAwait(false))
                {
                    serverPeer.AddService(new VLDispatcher(new VlServer(database)));
                    if (parse.GetValue(upgrade))
                    {
                        // The pair comes from the IDL: yfsvl.xg's "shadowof VL_" (52 -> 2503).
                        serverPeer.AddService(new YFSVLDispatcher(new YfsVlServer(database)));
                        serverPeer.AddUpgrade(YFSVLUpgrade.FromServiceId, YFSVLUpgrade.ToServiceId);
                    }
                    string services = parse.GetValue(upgrade)
                        ? $"VL (service {VLProtocol.ServiceId}) and YFSVL (service {YFSVLProtocol.ServiceId}, upgrade {YFSVLUpgrade.FromServiceId} -> {YFSVLUpgrade.ToServiceId})"
                        : $"VL (service {VLProtocol.ServiceId})";
                    stdout.WriteLine($"afsvl: serving {services} on {serverPeer.LocalEndPoint}, {database.Volumes.Count} entries from {parse.GetValue(db)}");
                    stdout.Flush();
                    try
                    {
                        await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                database.Save();
                return 0;
            }

            var endpoint = await ParseServerAsync(parse.GetValue(server)!, stop).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            deadline.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var local = new IPEndPoint(endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            await using var peer = await RxPeer.BindAsync(local, cancellationToken: deadline.Token).ConfigureAwait(false);
            if (command == fileservers)
            {
                await using var upgrading = new YFSVLUpgradingClient(peer.CreateConnector(endpoint));
                try
                {
                    await VlCommands.FileServersAsync(upgrading, stdout, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stop.IsCancellationRequested)
                {
                    stderr.WriteLine($"afsvl: {endpoint}: no answer within {parse.GetValue(timeout)} s");
                    return 1;
                }
                return 0;
            }
            await using var connection = peer.Connect(endpoint, VLProtocol.ServiceId);
            var vl = new VLClient(connection);
            try
            {
                if (command == listvldb) await VlCommands.ListVldbAsync(vl, stdout, deadline.Token).ConfigureAwait(false);
                else if (command == examine) await VlCommands.ExamineAsync(vl, parse.GetValue(name)!, stdout, deadline.Token).ConfigureAwait(false);
                else await VlCommands.CapabilitiesAsync(vl, stdout, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                stderr.WriteLine($"afsvl: {endpoint}: no answer within {parse.GetValue(timeout)} s");
                return 1;
            }
            return 0;
        }
        catch (RpcAbortException e)
        {
            stderr.WriteLine($"afsvl: call aborted with {e.Code} ({VlErrors.Name(e.Code)}){(string.IsNullOrEmpty(e.Message) ? "" : ": " + e.Message)}");
            return 1;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or IOException or FormatException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"afsvl: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stderr.WriteLine("afsvl: interrupted");
            return 1;
        }
    }

    /// <summary>Parses HOST[:PORT] / [IPv6]:PORT, resolving a host name.</summary>
    public static async Task<IPEndPoint> ParseServerAsync(string text, CancellationToken ct)
    {
        string host = text;
        int port = VlPort;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0) throw new FormatException($"'{text}': missing ']'");
            host = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':' || !int.TryParse(rest[1..], out port)) throw new FormatException($"'{text}': bad port");
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':');
            host = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], out port)) throw new FormatException($"'{text}': bad port");
        }
        if (port is < 1 or > 65535) throw new FormatException($"'{text}': port {port} is out of range");
        if (IPAddress.TryParse(host, out var address)) return new IPEndPoint(address, port);
        var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new FormatException($"'{host}' has no address");
        return new IPEndPoint(chosen, port);
    }
}
