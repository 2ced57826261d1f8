using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using UpgradeDemo.Echo;

namespace UpgradeDemo;

/// <summary>
/// <c>upgrade-demo bench</c>: time to first call over a new connection, on loopback, in one run. Two servers in this
/// process (one binds 100 and 101 with the upgrade pair, one binds only 100) and one client socket; each round opens a
/// new connection per case and times from creating the client to the first Echo reply:
/// the plain <see cref="ECHOClient"/> (one round trip) and the generated <see cref="UPGECHOUpgradingClient"/> (the
/// GetCapabilities probe with the upgrade request, then Echo on whichever service answered). Against either server the
/// probe should cost one round trip, never a timeout.
/// </summary>
public static class TimeToFirstCall
{
    /// <summary>One measured case: its name and the time of each round (ticks of <see cref="Stopwatch"/>).</summary>
    public sealed record Case(string Name, List<long> Ticks, string ServiceSeen);

    public static async Task<int> RunAsync(int rounds, int warmup, TextWriter output, CancellationToken ct)
    {
        var upgradingServices = new RxServerCore();
        upgradingServices.AddService(new ECHODispatcher(new EchoService()));
        upgradingServices.AddService(new UPGECHODispatcher(new UpgradedEchoService()));
        upgradingServices.AddUpgrade(ECHOProtocol.ServiceId, UPGECHOProtocol.ServiceId);
        await using var upgrading = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), server: upgradingServices, cancellationToken: ct).ConfigureAwait(false);
        foreach (var registered in upgradingServices.Services) upgrading.AcceptService(registered.ServiceId);

        await using var plain = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), cancellationToken: ct).ConfigureAwait(false);
        plain.AddService(new ECHODispatcher(new EchoService()));

        await using var client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), cancellationToken: ct).ConfigureAwait(false);
        var upgradingEp = (IPEndPoint)upgrading.LocalEndPoint;
        var plainEp = (IPEndPoint)plain.LocalEndPoint;
        byte[] payload = "ping"u8.ToArray();

        var cases = new[]
        {
            new Case("plain client      -> upgrading server", new List<long>(), ""),
            new Case("upgrading client  -> upgrading server", new List<long>(), ""),
            new Case("plain client      -> plain server    ", new List<long>(), ""),
            new Case("upgrading client  -> plain server    ", new List<long>(), ""),
            new Case("next call, same connection (1 RTT)   ", new List<long>(), ""),
        };
        var seen = new string[cases.Length];
        var probes = new[] { new List<long>(), new List<long>(), new List<long>(), new List<long>() };

        for (int round = 0; round < warmup + rounds; round++)
        {
            ct.ThrowIfCancellationRequested();
            bool timed = round >= warmup;
            for (int c = 0; c < 4; c++)
            {
                var server = c < 2 ? upgradingEp : plainEp;
                bool upgradingClient = c % 2 == 1;
                long start = Stopwatch.GetTimestamp();
                string service;
                if (upgradingClient)
                {
                    await using var upg = new UPGECHOUpgradingClient(client.CreateConnector(server));
                    await upg.ProbeAsync(cancellationToken: ct).ConfigureAwait(false);
                    long probed = Stopwatch.GetTimestamp() - start;
                    byte[] reply = await upg.EchoAsync(payload, ct).ConfigureAwait(false);
                    long elapsed = Stopwatch.GetTimestamp() - start;
                    if (timed)
                    {
                        cases[c].Ticks.Add(elapsed);
                        probes[c].Add(probed);
                    }
                    service = $"{upg.ProbeResult!.ServiceId} reply={System.Text.Encoding.ASCII.GetString(reply)}";
                }
                else
                {
                    await using var connection = client.Connect(server, ECHOProtocol.ServiceId);
                    var echo = new ECHOClient(connection);
                    byte[] reply = await echo.EchoAsync(payload, ct).ConfigureAwait(false);
                    long elapsed = Stopwatch.GetTimestamp() - start;
                    if (timed) cases[c].Ticks.Add(elapsed);
                    service = $"{connection.ServiceId} reply={System.Text.Encoding.ASCII.GetString(reply)}";
                    if (c == 0)
                    {
                        // The reference: one more call on the open connection is one round trip.
                        long again = Stopwatch.GetTimestamp();
                        await echo.EchoAsync(payload, ct).ConfigureAwait(false);
                        if (timed) cases[4].Ticks.Add(Stopwatch.GetTimestamp() - again);
                    }
                }
                seen[c] = service;
            }
        }

        double Us(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        double Percentile(List<long> values, double p)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return Us(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)]);
        }

        output.WriteLine($"time to first call on a new connection, loopback, {rounds} rounds after {warmup} warm-up rounds (µs)");
        output.WriteLine($"{"case",-40} {"median",9} {"p90",9} {"max",9}  answered by");
        for (int c = 0; c < cases.Length; c++)
        {
            var t = cases[c].Ticks;
            output.WriteLine($"{cases[c].Name,-40} {Percentile(t, 0.5),9:F0} {Percentile(t, 0.9),9:F0} {Us(t.Max()),9:F0}  {(c < 4 ? "service " + seen[c] : "")}");
        }
        output.WriteLine($"of which the probe (median): upgrading server {Percentile(probes[1], 0.5):F0} µs, plain server {Percentile(probes[3], 0.5):F0} µs");
        double rtt = Percentile(cases[4].Ticks, 0.5);
        double upgradingCost = Percentile(cases[1].Ticks, 0.5) - Percentile(cases[0].Ticks, 0.5);
        double fallbackCost = Percentile(cases[3].Ticks, 0.5) - Percentile(cases[2].Ticks, 0.5);
        output.WriteLine($"probe cost (median, upgrading minus plain client): upgrading server {upgradingCost:F0} µs = {upgradingCost / rtt:F2} RTT, plain server {fallbackCost:F0} µs = {fallbackCost / rtt:F2} RTT (RTT {rtt:F0} µs)");
        double worst = Math.Max(Us(cases[1].Ticks.Max()), Us(cases[3].Ticks.Max()));
        bool noTimeout = worst < 1_000_000;
        output.WriteLine(noTimeout
            ? $"no timeout penalty: the slowest upgrading first call took {worst / 1000:F1} ms (an Rx retransmission or timeout would cost ≥ 1 s)"
            : $"TIMEOUT PENALTY: an upgrading first call took {worst / 1000:F1} ms");
        bool answered = seen[0].StartsWith("100 reply=ping", StringComparison.Ordinal) && seen[1].StartsWith("101 reply=UPG:ping", StringComparison.Ordinal)
            && seen[2].StartsWith("100 reply=ping", StringComparison.Ordinal) && seen[3].StartsWith("100 reply=ping", StringComparison.Ordinal);
        if (!answered) output.WriteLine("UNEXPECTED: a case was answered by the wrong service: " + string.Join("; ", seen.Take(4)));
        return noTimeout && answered ? 0 : 1;
    }
}
