using RxGen.Runtime.Xdr;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>Canned VLDB entries (Golden.Vl and Golden.YfsVl have the same shapes in different namespaces).</summary>
internal static class VlData
{
    public const int VlNoEnt = 363524; // VL_NOENT: no such entry

    public static Golden.Vl.nvldbentry NEntry(string name, uint rwId, int servers = 2)
    {
        var entry = new Golden.Vl.nvldbentry
        {
            Name = XdrText.ToCChars(name, Golden.Vl.VldbintIdl.VL_MAXNAMELEN),
            NServers = servers,
            VolumeId = [rwId, rwId + 1, rwId + 2],
            CloneId = rwId + 3,
            Flags = Golden.Vl.VldbintIdl.VLF_RWEXISTS | Golden.Vl.VldbintIdl.VLF_ROEXISTS,
            Matchindex = -1,
        };
        for (int i = 0; i < servers; i++)
        {
            entry.ServerNumber[i] = unchecked((int)(0x0a000001u + (uint)i));
            entry.ServerPartition[i] = i;
            entry.ServerFlags[i] = i == 0 ? Golden.Vl.VldbintIdl.VLSF_RWVOL : Golden.Vl.VldbintIdl.VLSF_ROVOL;
        }

        return entry;
    }

    public static Golden.Vl.vldbentry Entry(string name, uint rwId) => new()
    {
        Name = XdrText.ToCChars(name, Golden.Vl.VldbintIdl.VL_MAXNAMELEN),
        NServers = 1,
        ServerNumber = [0x0a000001, 0, 0, 0, 0, 0, 0, 0],
        VolumeId = [rwId, rwId + 1, rwId + 2],
        Flags = Golden.Vl.VldbintIdl.VLF_RWEXISTS,
    };

    public static Golden.Vl.nvldbentry YfsNEntry(string name, uint rwId) => new()
    {
        Name = XdrText.ToCChars(name, Golden.Vl.VldbintIdl.VL_MAXNAMELEN),
        NServers = 1,
        VolumeId = [rwId, rwId + 1, rwId + 2],
        Flags = Golden.Vl.VldbintIdl.VLF_RWEXISTS,
    };
}
