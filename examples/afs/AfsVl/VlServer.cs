using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using AfsVl.Vl;
using RxGen.Runtime.Afs;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace AfsVl;

/// <summary>
/// A VL server over a <see cref="VolumeDatabase"/>: the lookups, listings and address queries that
/// <c>vos listvldb</c>, <c>vos listvldb -name</c>, <c>vos examine</c> and <c>vos listaddrs</c> make, plus
/// CreateEntryN, DeleteEntry and GetNewVolumeId. Everything else is RXGEN_OPCODE (the generated base).
/// </summary>
public sealed class VlServer : VLServiceBase
{
    /// <summary>Entries per ListAttributesN2 reply before the client is told to page (OpenAFS pages too).</summary>
    public const int PageSize = 100;

    private readonly VolumeDatabase _db;

    public VlServer(VolumeDatabase db) => _db = db;

    public override ValueTask ProbeServerAsync(RxCallContext context) => ValueTask.CompletedTask;

    public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context) => ValueTask.FromResult(new uint[] { 0 });

    public override ValueTask<nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context) =>
        ValueTask.FromResult(ToN(FindByNameOrId(volumename)));

    public override ValueTask<vldbentry> GetEntryByNameOAsync(string volumename, RxCallContext context) =>
        ValueTask.FromResult(ToO(FindByNameOrId(volumename)));

    public override ValueTask<nvldbentry> GetEntryByIDNAsync(uint volid, int voltype, RxCallContext context) =>
        ValueTask.FromResult(ToN(_db.FindById(volid, voltype) ?? throw NoEntry()));

    public override ValueTask<vldbentry> GetEntryByIDAsync(uint volid, int voltype, RxCallContext context) =>
        ValueTask.FromResult(ToO(_db.FindById(volid, voltype) ?? throw NoEntry()));

    public override ValueTask<VLListAttributesN2Result> ListAttributesN2Async(VldbListByAttributes attributes, string volumename, int startindex, RxCallContext context)
    {
        var byName = CompilePattern(volumename);
        var (page, next) = _db.List(v => Matches(v, attributes) && byName(v.Name), startindex, PageSize);
        return ValueTask.FromResult(new VLListAttributesN2Result(page.Count, page.Select(ToN).ToArray(), next));
    }

    public override ValueTask<VLListAttributesNResult> ListAttributesNAsync(VldbListByAttributes attributes, RxCallContext context)
    {
        var (page, _) = _db.List(v => Matches(v, attributes), 0, int.MaxValue);
        return ValueTask.FromResult(new VLListAttributesNResult(page.Count, page.Select(ToN).ToArray()));
    }

    public override ValueTask<VLListAttributesResult> ListAttributesAsync(VldbListByAttributes attributes, RxCallContext context)
    {
        var (page, _) = _db.List(v => Matches(v, attributes), 0, int.MaxValue);
        return ValueTask.FromResult(new VLListAttributesResult(page.Count, page.Select(ToO).ToArray()));
    }

    public override ValueTask<VLGetAddrsResult> GetAddrsAsync(int handle, int spare2, RxCallContext context)
    {
        var servers = _db.FileServers.Select(s => (uint)AddressCodec.ToServerNumber(s)).ToArray();
        return ValueTask.FromResult(new VLGetAddrsResult(new VLCallBack(), servers.Length, servers));
    }

    /// <summary>
    /// Address query by index (1-based, VLADDR_INDEX), by address (VLADDR_IPADDR) or by UUID (VLADDR_UUID).
    /// Each file server has one address here, and a UUID derived from it.
    /// </summary>
    public override ValueTask<VLGetAddrsUResult> GetAddrsUAsync(ListAddrByAttributes inaddr, RxCallContext context)
    {
        var servers = _db.FileServers;
        int index = inaddr.Mask switch
        {
            VldbintIdl.VLADDR_INDEX => inaddr.Index >= 1 && inaddr.Index <= servers.Count ? inaddr.Index - 1
                : throw new RpcAbortException(VlErrors.IndexRange, "index out of range"),
            VldbintIdl.VLADDR_IPADDR => IndexOf(servers, s => (uint)AddressCodec.ToServerNumber(s) == inaddr.Ipaddr),
            VldbintIdl.VLADDR_UUID => IndexOf(servers, s => ServerUuid(s) == inaddr.Uuid),
            _ => throw new RpcAbortException(VlErrors.BadMask, "bad mask"),
        };
        string server = servers[index];
        return ValueTask.FromResult(new VLGetAddrsUResult(ServerUuid(server), 1, 1, new[] { (uint)AddressCodec.ToServerNumber(server) }));
    }

    public override ValueTask CreateEntryNAsync(nvldbentry newentry, RxCallContext context)
    {
        var record = FromN(newentry);
        if (!_db.TryAdd(record)) throw new RpcAbortException(VlErrors.NameExist, $"'{record.Name}' or one of its ids exists");
        return ValueTask.CompletedTask;
    }

    public override ValueTask DeleteEntryAsync(uint volid, int voltype, RxCallContext context) =>
        _db.TryRemove(volid, voltype) ? ValueTask.CompletedTask : throw NoEntry();

    public override ValueTask<uint> GetNewVolumeIdAsync(uint bumpcount, RxCallContext context) =>
        ValueTask.FromResult(_db.NewVolumeIds(Math.Max(bumpcount, 1)));

    /// <summary>The UUID a file server reports here: derived from its address, so that it is stable.</summary>
    public static AfsUuid ServerUuid(string server)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, AddressCodec.ToServerNumber(server));
        bytes[6] = 0x40; // version 4 layout, for readability in tools
        bytes[8] = 0x80;
        return AfsUuid.FromGuid(new Guid(bytes));
    }

    private VolumeRecord FindByNameOrId(string nameOrId) =>
        _db.FindByName(nameOrId)
        ?? (uint.TryParse(nameOrId, out uint id) ? _db.FindById(id, -1) : null)
        ?? throw NoEntry();

    private static int IndexOf(IReadOnlyList<string> servers, Func<string, bool> match)
    {
        for (int i = 0; i < servers.Count; i++) if (match(servers[i])) return i;
        throw NoEntry();
    }

    private static Func<string, bool> CompilePattern(string pattern)
    {
        try
        {
            return VolumeNamePattern.Compile(pattern);
        }
        catch (ArgumentException)
        {
            throw new RpcAbortException(VlErrors.BadName, $"bad name pattern '{pattern}'");
        }
    }

    private static bool Matches(VolumeRecord v, VldbListByAttributes a)
    {
        if ((a.Mask & VldbintIdl.VLLIST_SERVER) != 0 && !v.Sites.Any(s => s.ServerNumber == a.Server)) return false;
        if ((a.Mask & VldbintIdl.VLLIST_PARTITION) != 0 && !v.Sites.Any(s => s.PartitionIndex == a.Partition)) return false;
        if ((a.Mask & VldbintIdl.VLLIST_VOLUMEID) != 0 && v.Rw != a.Volumeid && v.Ro != a.Volumeid && v.Bk != a.Volumeid) return false;
        if ((a.Mask & VldbintIdl.VLLIST_FLAG) != 0 && (v.Flags & a.Flag) == 0) return false;
        return true;
    }

    private static RpcAbortException NoEntry() => new(VlErrors.NoEntry, "no such entry");

    /// <summary>The N-interface entry for a record.</summary>
    public static nvldbentry ToN(VolumeRecord v)
    {
        var e = new nvldbentry
        {
            Name = XdrText.ToCChars(v.Name, VldbintIdl.VL_MAXNAMELEN),
            NServers = v.Sites.Count,
            Flags = v.Flags,
        };
        for (int i = 0; i < v.Sites.Count; i++)
        {
            e.ServerNumber[i] = v.Sites[i].ServerNumber;
            e.ServerPartition[i] = v.Sites[i].PartitionIndex;
            e.ServerFlags[i] = VlFlags.SiteFlag(v.Sites[i].Type);
        }
        e.VolumeId[0] = v.Rw;
        e.VolumeId[1] = v.Ro;
        e.VolumeId[2] = v.Bk;
        return e;
    }

    private static vldbentry ToO(VolumeRecord v)
    {
        if (v.Sites.Count > VldbintIdl.OMAXNSERVERS) throw new RpcAbortException(VlErrors.SizeExceeded, "more sites than the old interface holds");
        var n = ToN(v);
        var e = new vldbentry { Name = n.Name, NServers = n.NServers, Flags = n.Flags };
        Array.Copy(n.ServerNumber, e.ServerNumber, v.Sites.Count);
        Array.Copy(n.ServerPartition, e.ServerPartition, v.Sites.Count);
        Array.Copy(n.ServerFlags, e.ServerFlags, v.Sites.Count);
        Array.Copy(n.VolumeId, e.VolumeId, 3);
        return e;
    }

    /// <summary>The record for an N-interface entry (CreateEntryN).</summary>
    public static VolumeRecord FromN(nvldbentry e)
    {
        if (e.NServers < 0 || e.NServers > VldbintIdl.NMAXNSERVERS) throw new RpcAbortException(VlErrors.BadServer, $"nServers {e.NServers}");
        var sites = new List<VolumeSite>();
        for (int i = 0; i < e.NServers; i++)
            sites.Add(new VolumeSite(AddressCodec.FromServerNumber(e.ServerNumber[i]), PartitionNames.ToPath(e.ServerPartition[i]), VlFlags.SiteType(e.ServerFlags[i])));
        try
        {
            return new VolumeRecord(XdrText.FromCChars(e.Name), e.VolumeId[0], e.VolumeId[1], e.VolumeId[2], sites);
        }
        catch (XdrException)
        {
            throw new RpcAbortException(VlErrors.BadName, "name is not UTF-8");
        }
    }
}
