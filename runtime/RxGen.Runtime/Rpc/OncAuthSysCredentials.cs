using System;
using System.Collections.Generic;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// AUTH_SYS credentials (RFC 5531 Appendix A, <c>authsys_parms</c>): what the caller claims to be. They are
/// not verified by anyone; treat them as a hint unless the network is trusted.
/// </summary>
/// <param name="Stamp">An arbitrary id the caller's machine generates.</param>
/// <param name="MachineName">The caller's host name (at most 255 bytes).</param>
/// <param name="Uid">The caller's effective user id.</param>
/// <param name="Gid">The caller's effective group id.</param>
/// <param name="Gids">The caller's supplementary groups (at most 16).</param>
public sealed record OncAuthSysCredentials(uint Stamp, string MachineName, uint Uid, uint Gid, IReadOnlyList<uint> Gids)
{
    /// <summary>The longest machine name (<c>string machinename&lt;255&gt;</c>).</summary>
    public const int MaxMachineNameLength = 255;

    /// <summary>The most supplementary groups (<c>u_int gids&lt;16&gt;</c>).</summary>
    public const int MaxGids = 16;

    /// <summary>Decodes the body of an AUTH_SYS credential.</summary>
    /// <param name="body">The credential's <c>opaque body</c>.</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="XdrException">The body is malformed, breaks a bound, or has trailing bytes.</exception>
    public static OncAuthSysCredentials Decode(ReadOnlySpan<byte> body)
    {
        var reader = new XdrReader(body);
        uint stamp = reader.ReadUInt32("authsys_parms.stamp");
        string machine = reader.ReadString(MaxMachineNameLength, "authsys_parms.machinename");
        uint uid = reader.ReadUInt32("authsys_parms.uid");
        uint gid = reader.ReadUInt32("authsys_parms.gid");
        int count = reader.ReadCount(MaxGids, 4, "authsys_parms.gids");
        var gids = new uint[count];
        for (int i = 0; i < gids.Length; i++)
        {
            gids[i] = reader.ReadUInt32("authsys_parms.gids");
        }

        reader.EnsureAtEnd("authsys_parms");
        return new OncAuthSysCredentials(stamp, machine, uid, gid, gids);
    }

    /// <summary>Encodes the credentials as the body of an AUTH_SYS credential.</summary>
    /// <param name="buffer">Receives the bytes.</param>
    /// <exception cref="XdrException">The machine name or the group list is too long.</exception>
    public void Encode(System.Buffers.IBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var writer = new XdrWriter(buffer);
        writer.WriteUInt32(Stamp);
        writer.WriteString(MachineName, MaxMachineNameLength, "authsys_parms.machinename");
        writer.WriteUInt32(Uid);
        writer.WriteUInt32(Gid);
        writer.WriteCount(Gids.Count, MaxGids, "authsys_parms.gids");
        foreach (uint g in Gids)
        {
            writer.WriteUInt32(g);
        }

        writer.Flush();
    }
}
