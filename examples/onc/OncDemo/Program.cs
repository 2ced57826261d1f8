using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OncDemo.KvStore;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;

namespace OncDemo;

/// <summary>
/// oncdemo: serves and calls examples/onc/kvstore.x (KVSTORE_PROG 0x20000099, versions 1 and 2) over ONC RPC.
/// Exit status: 0 success; 1 the call failed (RPC error, unreachable server, timeout), with a one-line error;
/// 2 bad usage.
/// </summary>
public static class Program
{
    /// <summary>KVSTORE_PROG.</summary>
    public const uint ProgramNumber = KVSTORE_V2Protocol.Program;

    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        return await RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var tcpPort = new Option<int>("--tcp-port") { Description = "TCP port to serve on (0: ephemeral)", DefaultValueFactory = _ => 0 };
        var udpPort = new Option<int>("--udp-port") { Description = "UDP port to serve on (0: ephemeral)", DefaultValueFactory = _ => 0 };
        var rpcbind = new Option<bool>("--rpcbind") { Description = "Register with the local rpcbind (and unregister on exit)" };
        var bind = new Option<string>("--bind") { Description = "Address to bind", DefaultValueFactory = _ => "127.0.0.1" };
        var readOnly = new Option<bool>("--readonly") { Description = "Refuse PUT, DELETE and CAS with KV_READONLY" };

        var server = new Option<string>("--server", "-s") { Description = "HOST[:PORT] ([v6addr]:port for IPv6); without a port, rpcbind on HOST is asked", Required = true };
        var udp = new Option<bool>("--udp") { Description = "Call over UDP (default: TCP)" };
        var vers = new Option<uint>("--vers") { Description = "Program version to call (1 or 2; any number for null)", DefaultValueFactory = _ => 2 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds before a call is given up", DefaultValueFactory = _ => 10 };
        var proc = new Argument<string>("PROC") { Description = "null | put KEY VALUE | get KEY | delete KEY | list | cas KEY VERSION VALUE | getmany KEY... | stats | count PREFIX" };
        var procArgs = new Argument<string[]>("ARGS") { Description = "The procedure's arguments", Arity = ArgumentArity.ZeroOrMore };

        var serve = new Command("serve", "Serve KVSTORE_PROG versions 1 and 2 over TCP and UDP") { tcpPort, udpPort, rpcbind, bind, readOnly };
        var call = new Command("call", "Call one KVSTORE_PROG procedure and print its result") { server, udp, vers, timeout, proc, procArgs };
        var root = new RootCommand("oncdemo: examples/onc/kvstore.x over RxGen's ONC RPC transports") { serve, call };

        var parse = root.Parse(args);
        if (args.Length == 0 || args.Any(a => a is "--help" or "-h" or "-?"))
        {
            parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
            return args.Length == 0 ? 2 : 0;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine("oncdemo: " + error.Message);
            return 2;
        }

        try
        {
            if (parse.CommandResult.Command == serve)
            {
                if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
                {
                    stderr.WriteLine($"oncdemo: --bind '{parse.GetValue(bind)}' is not an IP address");
                    return 2;
                }
                int tp = parse.GetValue(tcpPort), up = parse.GetValue(udpPort);
                if (tp is < 0 or > 65535 || up is < 0 or > 65535)
                {
                    stderr.WriteLine("oncdemo: a port is out of range (0-65535)");
                    return 2;
                }
                return await ServeAsync(new IPEndPoint(address, tp), new IPEndPoint(address, up), parse.GetValue(rpcbind), parse.GetValue(readOnly), stdout, stop).ConfigureAwait(false);
            }

            var request = CallRequest.Parse(parse.GetValue(proc)!, parse.GetValue(procArgs) ?? [], parse.GetValue(vers));
            if (request.Error is not null)
            {
                stderr.WriteLine("oncdemo: " + request.Error);
                return 2;
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var seconds = parse.GetValue(timeout);
            deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
            try
            {
                return await CallAsync(parse.GetValue(server)!, parse.GetValue(udp), request, TimeSpan.FromSeconds(seconds), stdout, stderr, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                stderr.WriteLine($"oncdemo: {parse.GetValue(server)}: no answer within {seconds} s");
                return 1;
            }
        }
        catch (OncRpcException e)
        {
            stderr.WriteLine("oncdemo: " + ErrorName(e));
            return 1;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or IOException or FormatException or RxGen.Runtime.Xdr.XdrException)
        {
            stderr.WriteLine($"oncdemo: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stderr.WriteLine("oncdemo: interrupted");
            return 1;
        }
    }

    private static async Task<int> ServeAsync(IPEndPoint tcp, IPEndPoint udp, bool rpcbind, bool readOnly, TextWriter stdout, CancellationToken stop)
    {
        var store = new KeyValueStore(readOnly);
        var registry = new OncDispatcherRegistry();
        registry.Register(new KVSTORE_V1Dispatcher(new KvStoreV1(store)));
        registry.Register(new KVSTORE_V2Dispatcher(new KvStoreV2(store)));
        await using var onc = new OncServer(registry, new OncServerOptions { RegisterWithRpcBind = rpcbind });
        IPEndPoint boundTcp = onc.AddTcpListener(tcp);
        IPEndPoint boundUdp = onc.AddUdpListener(udp);
        await onc.StartAsync(stop).ConfigureAwait(false);
        stdout.WriteLine($"tcp {boundTcp}");
        stdout.WriteLine($"udp {boundUdp}");
        stdout.WriteLine($"oncdemo: serving program {ProgramNumber} (0x{ProgramNumber:x8}) versions 1-2{(rpcbind ? ", registered with rpcbind" : "")}");
        stdout.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await onc.StopAsync(grace.Token).ConfigureAwait(false);
        stdout.WriteLine("oncdemo: stopped" + (rpcbind ? ", unregistered from rpcbind" : ""));
        stdout.Flush();
        return 0;
    }

    private static async Task<int> CallAsync(string serverText, bool udp, CallRequest request, TimeSpan timeout, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        (string host, int? port) = SplitServer(serverText);
        IPAddress address = await ResolveAsync(host, ct).ConfigureAwait(false);
        if (port is null)
        {
            await using OncRpcBindClient portmapper = await OncRpcBindClient.ConnectAsync(new IPEndPoint(address, OncRpcBind.Port), ct).ConfigureAwait(false);
            int found = await portmapper.GetPortAsync(ProgramNumber, request.Version, udp ? OncRpcBind.ProtocolUdp : OncRpcBind.ProtocolTcp, ct).ConfigureAwait(false);
            if (found == 0)
            {
                stderr.WriteLine($"oncdemo: program {ProgramNumber} version {request.Version} is not registered over {(udp ? "udp" : "tcp")} with rpcbind on {host}");
                return 1;
            }
            port = found;
        }
        var endpoint = new IPEndPoint(address, port.Value);
        var options = new OncClientOptions { Timeout = timeout };
        IOncCallTransport transport = udp
            ? OncUdpClient.Create(endpoint, options)
            : await OncTcpClient.ConnectAsync(endpoint, options, ct).ConfigureAwait(false);
        try
        {
            await Calls.RunAsync(transport, request, stdout, ct).ConfigureAwait(false);
        }
        finally
        {
            await ((IAsyncDisposable)transport).DisposeAsync().ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>The RPC error as one line: the protocol's name for it, and the details it carries.</summary>
    public static string ErrorName(OncRpcException e) => e switch
    {
        OncRpcRejectedException { Kind: OncReplyKind.RpcMismatch } r => $"RPC_MISMATCH (low {r.RpcLowVersion}, high {r.RpcHighVersion})",
        OncRpcRejectedException r => $"AUTH_ERROR ({AuthName(r.AuthStat)})",
        { Status: OncAcceptStat.ProgMismatch } => $"PROG_MISMATCH (low {e.LowVersion}, high {e.HighVersion})",
        { Status: OncAcceptStat.ProgUnavail } => "PROG_UNAVAIL",
        { Status: OncAcceptStat.ProcUnavail } => "PROC_UNAVAIL",
        { Status: OncAcceptStat.GarbageArgs } => "GARBAGE_ARGS",
        { Status: OncAcceptStat.SystemErr } => "SYSTEM_ERR",
        _ => $"accept_stat {(int)e.Status}",
    };

    private static string AuthName(OncAuthStat stat) => stat switch
    {
        OncAuthStat.BadCred => "AUTH_BADCRED",
        OncAuthStat.RejectedCred => "AUTH_REJECTEDCRED",
        OncAuthStat.BadVerf => "AUTH_BADVERF",
        OncAuthStat.RejectedVerf => "AUTH_REJECTEDVERF",
        OncAuthStat.TooWeak => "AUTH_TOOWEAK",
        _ => "auth_stat " + ((uint)stat).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Splits HOST[:PORT] / [IPv6]:PORT; the port is null when not given.</summary>
    public static (string Host, int? Port) SplitServer(string text)
    {
        string host = text;
        string? portText = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0) throw new FormatException($"'{text}': missing ']'");
            host = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw new FormatException($"'{text}': bad port");
                portText = rest[1..];
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':');
            host = text[..colon];
            portText = text[(colon + 1)..];
        }
        if (portText is null) return (host, null);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{text}': bad port");
        }
        return (host, port);
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var address)) return address;
        var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new FormatException($"'{host}' has no address");
    }
}
