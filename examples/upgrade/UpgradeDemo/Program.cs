using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using UpgradeDemo.Echo;

namespace UpgradeDemo;

/// <summary>The original service: Echo returns the data unchanged; no capability words.</summary>
public sealed class EchoService : ECHOServiceBase
{
    public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context) => ValueTask.FromResult(Array.Empty<uint>());

    public override ValueTask<byte[]> EchoAsync(byte[] data_, RxCallContext context) => ValueTask.FromResult(data_);
}

/// <summary>The shadow: Echo prefixes "UPG:"; one capability word with UPGECHO_CAP_PREFIX.</summary>
public sealed class UpgradedEchoService : UPGECHOServiceBase
{
    private static readonly byte[] Prefix = "UPG:"u8.ToArray();

    public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context) => ValueTask.FromResult(new[] { (uint)EchoIdl.UPGECHO_CAP_PREFIX });

    public override ValueTask<byte[]> EchoAsync(byte[] data_, RxCallContext context) => ValueTask.FromResult(Prefix.Concat(data_).ToArray());
}

/// <summary>
/// upgrade-demo: serve the echo pair, or call it with or without asking for the service upgrade.
/// Exit status: 0 success; 1 a call failed or timed out; 2 bad usage.
/// </summary>
public static class Program
{
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
        var port = new Option<int>("--port", "-p") { Description = "UDP port to serve on", Required = true };
        var bind = new Option<string>("--bind") { Description = "Address to bind", DefaultValueFactory = _ => "127.0.0.1" };
        var service = new Option<int>("--service") { Description = "The original service id", DefaultValueFactory = _ => ECHOProtocol.ServiceId };
        var upgradeTo = new Option<int?>("--upgrade-to") { Description = "Also serve the shadow under this id and declare the upgrade pair (service, id)" };
        var server = new Option<string>("--server", "-s") { Description = "HOST:PORT of the server", Required = true };
        var upgrade = new Option<bool>("--upgrade") { Description = "Ask for the service upgrade (the first call of the connection is the GetCapabilities probe)" };
        var data = new Option<string>("--data", "-d") { Description = "Text to echo", DefaultValueFactory = _ => "hello" };
        var count = new Option<int>("--count", "-n") { Description = "Number of Echo calls", DefaultValueFactory = _ => 1 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds before the whole run is given up", DefaultValueFactory = _ => 10 };

        var serve = new Command("serve", "Serve the echo service (and its shadow with --upgrade-to)") { port, bind, service, upgradeTo };
        var call = new Command("call", "Call Echo and print which service answered") { server, service, upgrade, data, count, timeout };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds (each opens 4 new connections)", DefaultValueFactory = _ => 300 };
        var bench = new Command("bench", "Time to first call through the upgrading and the plain client, against an upgrading and a plain server (in process, loopback)") { rounds };
        var root = new RootCommand("upgrade-demo: Rx service upgrade with an echo service and its shadow (echo.xg)") { serve, call, bench };
        var parse = root.Parse(args);
        if (args.Length == 0 || args.Any(a => a is "--help" or "-h" or "-?"))
        {
            parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
            return args.Length == 0 ? 2 : 0;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine("upgrade-demo: " + error.Message);
            return 2;
        }

        if (parse.CommandResult.Command == bench)
        {
            int n = parse.GetValue(rounds);
            if (n is < 1 or > 1_000_000)
            {
                stderr.WriteLine($"upgrade-demo: --rounds {n} is out of range (1..1000000)");
                return 2;
            }
            using var benchDeadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            benchDeadline.CancelAfter(TimeSpan.FromMinutes(10));
            return await TimeToFirstCall.RunAsync(n, Math.Min(100, n), stdout, benchDeadline.Token).ConfigureAwait(false);
        }

        int from = parse.GetValue(service);
        if (from is < 1 or > 65535)
        {
            stderr.WriteLine($"upgrade-demo: --service {from} is not a service id (1..65535)");
            return 2;
        }

        try
        {
            if (parse.CommandResult.Command == serve)
            {
                int? to = parse.GetValue(upgradeTo);
                if (to is < 1 or > 65535 || to == from)
                {
                    stderr.WriteLine($"upgrade-demo: --upgrade-to {to} must be a service id other than {from}");
                    return 2;
                }
                if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
                {
                    stderr.WriteLine($"upgrade-demo: --bind '{parse.GetValue(bind)}' is not an IP address");
                    return 2;
                }
                // The services and the upgrade pair, then the socket that serves them.
                var services = new RxServerCore();
                services.AddService(new ECHODispatcher(new EchoService(), (ushort)from));
                if (to is int shadow)
                {
                    services.AddService(new UPGECHODispatcher(new UpgradedEchoService(), (ushort)shadow));
                    services.AddUpgrade((ushort)from, (ushort)shadow);
                }
                await using var peer = await RxPeer.BindAsync(new IPEndPoint(address, parse.GetValue(port)), server: services, cancellationToken: stop).ConfigureAwait(false);
                foreach (var registered in services.Services) peer.AcceptService(registered.ServiceId);
                stdout.WriteLine($"upgrade-demo: serving {from}{(to is null ? "" : $" and {to} (upgrade {from} -> {to})")} on {peer.LocalEndPoint}");
                stdout.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                return 0;
            }

            var endpoint = ParseEndPoint(parse.GetValue(server)!);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            deadline.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var local = new IPEndPoint(endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            await using var client = await RxPeer.BindAsync(local, cancellationToken: deadline.Token).ConfigureAwait(false);
            bool askUpgrade = parse.GetValue(upgrade);
            await using var connection = client.Connect(endpoint, (ushort)from, requestUpgrade: askUpgrade);
            try
            {
                if (askUpgrade)
                {
                    // The probe: the same GetCapabilities request in both services; the connection's service id
                    // afterwards says which one answered.
                    try
                    {
                        await new ECHOClient(connection).GetCapabilitiesAsync(deadline.Token).ConfigureAwait(false);
                    }
                    catch (RpcAbortException e) when (e.Code == RxGenErrorCodes.Opcode)
                    {
                        // A server without the probe op still answered (on the original service).
                    }
                    stdout.WriteLine($"probe: service={connection.ServiceId}{(connection.ServiceId == from ? " (not upgraded)" : " (upgraded)")}");
                }

                byte[] payload = Encoding.UTF8.GetBytes(parse.GetValue(data)!);
                bool upgraded = connection.ServiceId != from;
                var plain = new ECHOClient(connection);
                var shadowClient = new UPGECHOClient(connection);
                for (int i = 0; i < parse.GetValue(count); i++)
                {
                    byte[] reply = upgraded
                        ? await shadowClient.EchoAsync(payload, deadline.Token).ConfigureAwait(false)
                        : await plain.EchoAsync(payload, deadline.Token).ConfigureAwait(false);
                    stdout.WriteLine($"service={connection.ServiceId} reply={Encoding.UTF8.GetString(reply)}");
                }
                return 0;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                stderr.WriteLine($"upgrade-demo: {endpoint}: no answer within {parse.GetValue(timeout)} s");
                return 1;
            }
        }
        catch (RpcAbortException e)
        {
            stderr.WriteLine($"upgrade-demo: call aborted with {e.Code} ({RxGenErrorCodes.Describe(e.Code)})");
            return 1;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or IOException or FormatException or InvalidOperationException)
        {
            stderr.WriteLine($"upgrade-demo: {e.Message}");
            return 1;
        }
    }

    private static IPEndPoint ParseEndPoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new FormatException($"'{text}' is not HOST:PORT (an IP address and a port)");
}
