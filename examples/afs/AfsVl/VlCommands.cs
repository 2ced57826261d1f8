using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using AfsVl.Vl;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace AfsVl;

/// <summary>The client commands, over any Rx connection to a VL service (UDP, or in-memory in tests).</summary>
public static class VlCommands
{
    /// <summary>
    /// Every VLDB entry, as <c>vos listvldb</c> gets them: ListAttributesN2 pages (continuing from each
    /// reply's nextstartindex until -1); against a server without it (RXGEN_OPCODE), one ListAttributesN.
    /// </summary>
    public static async Task<List<nvldbentry>> ListAllAsync(VLClient vl, CancellationToken ct)
    {
        var all = new List<nvldbentry>();
        var everything = new VldbListByAttributes { Mask = 0 };
        int start = 0;
        try
        {
            for (int pages = 0; ; pages++)
            {
                if (pages > 1_000_000) throw new InvalidOperationException("the server keeps paging (more than a million pages)");
                var page = await vl.ListAttributesN2Async(everything, "", start, ct).ConfigureAwait(false);
                all.AddRange(page.Blkentries.Take(Math.Max(0, Math.Min(page.Nentries, page.Blkentries.Length))));
                if (page.Nextstartindex == -1) return all;
                if (page.Nextstartindex <= start) throw new InvalidOperationException($"the server's next index {page.Nextstartindex} does not advance past {start}");
                start = page.Nextstartindex;
            }
        }
        catch (RpcAbortException e) when (e.Code == RxGenErrorCodes.Opcode && start == 0)
        {
            var list = await vl.ListAttributesNAsync(everything, ct).ConfigureAwait(false);
            return list.Blkentries.Take(Math.Max(0, Math.Min(list.Nentries, list.Blkentries.Length))).ToList();
        }
    }

    /// <summary><c>afsvl listvldb</c>: one line per entry, ordered by name.</summary>
    public static async Task ListVldbAsync(VLClient vl, TextWriter output, CancellationToken ct)
    {
        var entries = await ListAllAsync(vl, ct).ConfigureAwait(false);
        foreach (var line in entries.Select(FormatLine).OrderBy(l => l, StringComparer.Ordinal))
            output.WriteLine(line);
    }

    /// <summary>The listvldb line: <c>NAME RW=&lt;id&gt; RO=&lt;id&gt; BK=&lt;id&gt; SITES=&lt;n&gt;</c>.</summary>
    public static string FormatLine(nvldbentry e) =>
        $"{XdrText.FromCChars(e.Name)} RW={e.VolumeId[0]} RO={e.VolumeId[1]} BK={e.VolumeId[2]} SITES={e.NServers}";

    /// <summary><c>afsvl examine NAME|ID</c>: GetEntryByNameN (which also takes a numeric id, as vos does).</summary>
    public static async Task ExamineAsync(VLClient vl, string nameOrId, TextWriter output, CancellationToken ct)
    {
        var e = await vl.GetEntryByNameNAsync(nameOrId, ct).ConfigureAwait(false);
        output.WriteLine(XdrText.FromCChars(e.Name));
        output.WriteLine($"    RWrite: {e.VolumeId[0]}    ROnly: {e.VolumeId[1]}    Backup: {e.VolumeId[2]}");
        output.WriteLine($"    flags: 0x{e.Flags:x}");
        output.WriteLine($"    number of sites -> {e.NServers}");
        for (int i = 0; i < Math.Clamp(e.NServers, 0, e.ServerNumber.Length); i++)
            output.WriteLine($"       server {AddressCodec.FromServerNumber(e.ServerNumber[i])} partition {PartitionNames.ToPath(e.ServerPartition[i])} {VlFlags.SiteType(e.ServerFlags[i])} Site");
    }

    /// <summary><c>afsvl capabilities</c>: the capability words, or the abort code the server answers with.</summary>
    public static async Task CapabilitiesAsync(VLClient vl, TextWriter output, CancellationToken ct)
    {
        try
        {
            var words = await vl.GetCapabilitiesAsync(ct).ConfigureAwait(false);
            output.WriteLine($"capabilities: {words.Length} word(s)" + string.Concat(words.Select(w => $" 0x{w:x8}")));
        }
        catch (RpcAbortException e)
        {
            output.WriteLine($"capabilities: abort {e.Code} ({VlErrors.Name(e.Code)})");
        }
    }

    /// <summary>
    /// The endpoints of every file server, through one API whichever service answers: the upgrading client probes
    /// first; a server that upgrades the connection to YFSVL gives each server's IPv4 and IPv6 endpoints
    /// (GetEndpoints), one that does not (an OpenAFS vlserver, or <c>afsvl serve</c> without <c>--upgrade</c>) gives
    /// the IPv4 addresses that VL GetAddrs carries, on the file server port.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<IPEndPoint>>> FileServerEndpointsAsync(YFSVLUpgradingClient vl, CancellationToken ct)
    {
        // Routed: YFSVL's GetAddrs when upgraded, VL's otherwise (the same request and reply fields).
        var addrs = await vl.GetAddrsAsync(0, 0, ct).ConfigureAwait(false);
        int count = Math.Clamp(addrs.Nentries, 0, addrs.Blkaddrs.Length);
        var servers = new List<IReadOnlyList<IPEndPoint>>(count);
        if (vl.Upgraded is { } yfs)
        {
            for (int i = 0; i < count; i++)
            {
                var endpoints = await yfs.GetEndpointsAsync(yfsServerAttributes.FromIndex(i), ct).ConfigureAwait(false);
                servers.Add(endpoints.FsEndpoints.Select(YfsVlServer.DecodeEndpoint).ToList());
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
                servers.Add(new[] { new IPEndPoint(IPAddress.Parse(AddressCodec.FromServerNumber((int)addrs.Blkaddrs[i])), YfsVlServer.FileServerPort) });
        }
        return servers;
    }

    /// <summary><c>afsvl fileservers</c>: <c>service=&lt;id&gt;</c> (52 VL, 2503 YFSVL), then one line per file server with its endpoints.</summary>
    public static async Task FileServersAsync(YFSVLUpgradingClient vl, TextWriter output, CancellationToken ct)
    {
        var servers = await FileServerEndpointsAsync(vl, ct).ConfigureAwait(false);
        var probe = vl.ProbeResult!;
        output.WriteLine($"service={probe.ServiceId}" + (probe.AbortCode is int abort ? $" (probe aborted: {abort} {VlErrors.Name(abort)})" : ""));
        foreach (var endpoints in servers)
            output.WriteLine("fileserver " + string.Join(" ", endpoints.Select(e => e.ToString())));
    }
}
