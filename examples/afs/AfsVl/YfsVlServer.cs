using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using AfsVl.Vl;
using RxGen.Runtime.Rpc;

namespace AfsVl;

/// <summary>
/// The YFS-VL shadow of <see cref="VlServer"/> (service 2503, <c>examples/afs/yfsvl.xg</c>): after a client's upgrade
/// request switches its connection here, every VL opcode must still work, so each call <see cref="VlServer"/> answers is
/// answered the same way here (the result records are YFSVL's own types with the same fields). On top of that,
/// GetEndpoints gives a file server's IPv4 <em>and</em> IPv6 endpoints (the VL calls can only carry IPv4), and
/// GetCellName the database's cell name.
/// </summary>
public sealed class YfsVlServer : YFSVLServiceBase
{
    /// <summary>The file server port in the endpoints GetEndpoints reports.</summary>
    public const int FileServerPort = 7000;

    /// <summary>The volume server port in the endpoints GetEndpoints reports.</summary>
    public const int VolumeServerPort = 7005;

    /// <summary>Endpoint types of <c>yfsEndpoint.type</c>.</summary>
    public const int EndpointIpv4 = 0, EndpointIpv6 = 1;

    private readonly VolumeDatabase _db;
    private readonly VlServer _vl;

    public YfsVlServer(VolumeDatabase db)
    {
        _db = db;
        _vl = new VlServer(db);
    }

    public override ValueTask ProbeServerAsync(RxCallContext context) => _vl.ProbeServerAsync(context);

    /// <summary>One capability word; bit 0 says "YFSVL GetEndpoints is served" (this example's own meaning).</summary>
    public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context) => ValueTask.FromResult(new uint[] { 1 });

    public override ValueTask<nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context) => _vl.GetEntryByNameNAsync(volumename, context);

    public override ValueTask<vldbentry> GetEntryByNameOAsync(string volumename, RxCallContext context) => _vl.GetEntryByNameOAsync(volumename, context);

    public override ValueTask<nvldbentry> GetEntryByIDNAsync(uint volid, int voltype, RxCallContext context) => _vl.GetEntryByIDNAsync(volid, voltype, context);

    public override ValueTask<vldbentry> GetEntryByIDAsync(uint volid, int voltype, RxCallContext context) => _vl.GetEntryByIDAsync(volid, voltype, context);

    public override async ValueTask<YFSVLListAttributesN2Result> ListAttributesN2Async(VldbListByAttributes attributes, string volumename, int startindex, RxCallContext context)
    {
        var r = await _vl.ListAttributesN2Async(attributes, volumename, startindex, context).ConfigureAwait(false);
        return new YFSVLListAttributesN2Result(r.Nentries, r.Blkentries, r.Nextstartindex);
    }

    public override async ValueTask<YFSVLListAttributesNResult> ListAttributesNAsync(VldbListByAttributes attributes, RxCallContext context)
    {
        var r = await _vl.ListAttributesNAsync(attributes, context).ConfigureAwait(false);
        return new YFSVLListAttributesNResult(r.Nentries, r.Blkentries);
    }

    public override async ValueTask<YFSVLListAttributesResult> ListAttributesAsync(VldbListByAttributes attributes, RxCallContext context)
    {
        var r = await _vl.ListAttributesAsync(attributes, context).ConfigureAwait(false);
        return new YFSVLListAttributesResult(r.Nentries, r.Blkentries);
    }

    public override async ValueTask<YFSVLGetAddrsResult> GetAddrsAsync(int handle, int spare2, RxCallContext context)
    {
        var r = await _vl.GetAddrsAsync(handle, spare2, context).ConfigureAwait(false);
        return new YFSVLGetAddrsResult(r.Spare3, r.Nentries, r.Blkaddrs);
    }

    public override async ValueTask<YFSVLGetAddrsUResult> GetAddrsUAsync(ListAddrByAttributes inaddr, RxCallContext context)
    {
        var r = await _vl.GetAddrsUAsync(inaddr, context).ConfigureAwait(false);
        return new YFSVLGetAddrsUResult(r.Uuidp1, r.Uniquifier, r.Nentries, r.Blkaddrs);
    }

    public override ValueTask CreateEntryNAsync(nvldbentry newentry, RxCallContext context) => _vl.CreateEntryNAsync(newentry, context);

    public override ValueTask DeleteEntryAsync(uint volid, int voltype, RxCallContext context) => _vl.DeleteEntryAsync(volid, voltype, context);

    public override ValueTask<uint> GetNewVolumeIdAsync(uint bumpcount, RxCallContext context) => _vl.GetNewVolumeIdAsync(bumpcount, context);

    /// <summary>
    /// A file server's UUID and endpoints, by index (0-based here) or by UUID: its IPv4 address and every IPv6 address the
    /// database lists, each as <see cref="EncodeEndpoint"/> gives it; the volume server endpoints are the same addresses.
    /// </summary>
    public override ValueTask<YFSVLGetEndpointsResult> GetEndpointsAsync(yfsServerAttributes attr, RxCallContext context)
    {
        var servers = _db.FileServers;
        int index;
        if (attr.IsIndex)
        {
            index = attr.Index >= 0 && attr.Index < servers.Count ? attr.Index
                : throw new RpcAbortException(VlErrors.IndexRange, "index out of range");
        }
        else if (attr.IsUuid)
        {
            index = -1;
            for (int i = 0; i < servers.Count && index < 0; i++)
                if (UuidOf(servers[i]).AsSpan().SequenceEqual(attr.Uuid)) index = i;
            if (index < 0) throw new RpcAbortException(VlErrors.NoEntry, "no file server has that UUID");
        }
        else
        {
            throw new RpcAbortException(VlErrors.BadMask, $"server attribute type {attr.Type}");
        }
        string server = servers[index];
        var addresses = new List<IPAddress> { IPAddress.Parse(server) };
        addresses.AddRange(_db.Ipv6Of(server).Select(IPAddress.Parse));
        return ValueTask.FromResult(new YFSVLGetEndpointsResult(
            UuidOf(server), 1,
            addresses.Select(a => EncodeEndpoint(new IPEndPoint(a, FileServerPort))).ToArray(),
            addresses.Select(a => EncodeEndpoint(new IPEndPoint(a, VolumeServerPort))).ToArray()));
    }

    public override ValueTask<string> GetCellNameAsync(RxCallContext context) =>
        _db.Cell is { } cell ? ValueTask.FromResult(cell) : throw new RpcAbortException(VlErrors.NoEntry, "the database names no cell");

    /// <summary>The 16 UUID bytes of a file server (the same UUID GetAddrsU gives, as raw bytes).</summary>
    public static byte[] UuidOf(string server) => VlServer.ServerUuid(server).ToGuid().ToByteArray();

    /// <summary>An endpoint as this example puts it on the wire: type 0 (IPv4) or 1 (IPv6); data = the address bytes
    /// (4 or 16, network order) followed by the port as a 32-bit big-endian number (8 or 20 bytes).</summary>
    public static yfsEndpoint EncodeEndpoint(IPEndPoint endpoint)
    {
        var address = endpoint.Address.GetAddressBytes();
        var data = new byte[address.Length + 4];
        address.CopyTo(data, 0);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(address.Length), endpoint.Port);
        return new yfsEndpoint { Type = address.Length == 4 ? EndpointIpv4 : EndpointIpv6, Data = data };
    }

    /// <summary>The inverse of <see cref="EncodeEndpoint"/>; a malformed endpoint is a <see cref="FormatException"/>.</summary>
    public static IPEndPoint DecodeEndpoint(yfsEndpoint endpoint)
    {
        int length = endpoint.Type switch
        {
            EndpointIpv4 => 4,
            EndpointIpv6 => 16,
            _ => throw new FormatException($"endpoint type {endpoint.Type} is neither IPv4 (0) nor IPv6 (1)"),
        };
        if (endpoint.Data.Length != length + 4) throw new FormatException($"endpoint of type {endpoint.Type}: {endpoint.Data.Length} data bytes, expected {length + 4}");
        int port = BinaryPrimitives.ReadInt32BigEndian(endpoint.Data.AsSpan(length));
        if (port is < 0 or > 65535) throw new FormatException($"endpoint port {port} is out of range");
        return new IPEndPoint(new IPAddress(endpoint.Data.AsSpan(0, length)), port);
    }
}
