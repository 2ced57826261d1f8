using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>
/// A portmapper / rpcbind client (RFC 1833): portmap v2 GETPORT, SET, UNSET and DUMP, and rpcbind v4 SET,
/// UNSET, GETADDR (v3 with <c>version: 3</c>) and GETVERSADDR, over any <see cref="IOncCallTransport"/>.
/// </summary>
public sealed class OncRpcBindClient : IAsyncDisposable
{
    /// <summary>The most entries <see cref="DumpAsync"/> accepts (the reply's size is bounded by the transport's record limit too).</summary>
    public const int MaxDumpEntries = 65536;

    private readonly IOncCallTransport _transport;
    private readonly IAsyncDisposable? _owned;

    /// <summary>Uses an existing transport to rpcbind (not disposed with this client).</summary>
    /// <param name="transport">The transport.</param>
    public OncRpcBindClient(IOncCallTransport transport)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
    }

    private OncRpcBindClient(OncTcpClient owned)
    {
        _transport = owned;
        _owned = owned;
    }

    /// <summary>Connects to rpcbind over a stream (TCP, or its Unix socket).</summary>
    /// <param name="endPoint">rpcbind's address; null for the local one: its Unix socket (<see cref="OncRpcBind.LocalSocketPath"/>, where SET and UNSET need no reserved port), else 127.0.0.1:111.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The client; dispose it to close the connection.</returns>
    public static async Task<OncRpcBindClient> ConnectAsync(EndPoint? endPoint = null, CancellationToken cancellationToken = default)
    {
        var options = new OncClientOptions { Timeout = TimeSpan.FromSeconds(10) };
        if (endPoint is null && OncRpcBind.LocalEndPoint() is UnixDomainSocketEndPoint local)
        {
            try
            {
                return new OncRpcBindClient(await OncTcpClient.ConnectAsync(local, options, cancellationToken).ConfigureAwait(false));
            }
            catch (SocketException)
            {
                // A stale socket file (rpcbind cannot remove it when it stops): try the TCP port.
            }
        }

        OncTcpClient client = await OncTcpClient.ConnectAsync(endPoint ?? new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port), options, cancellationToken).ConfigureAwait(false);
        return new OncRpcBindClient(client);
    }

    /// <summary>Portmap GETPORT: the port of a program version over a protocol.</summary>
    /// <param name="program">The program.</param>
    /// <param name="version">The version.</param>
    /// <param name="protocol"><see cref="OncRpcBind.ProtocolTcp"/> or <see cref="OncRpcBind.ProtocolUdp"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The port, or 0 when not registered.</returns>
    public async Task<int> GetPortAsync(uint program, uint version, uint protocol, CancellationToken cancellationToken = default)
    {
        using XdrPooledBuffer reply = await CallAsync(OncRpcBind.PortmapVersion, 3, Mapping(new OncPortMapping(program, version, protocol, 0)), cancellationToken).ConfigureAwait(false);
        var reader = new XdrReader(reply.Span);
        uint port = reader.ReadUInt32("pmap port");
        return port > 65535 ? 0 : (int)port;
    }

    /// <summary>Portmap SET.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when registered.</returns>
    public async Task<bool> SetAsync(OncPortMapping mapping, CancellationToken cancellationToken = default) =>
        await BoolCallAsync(OncRpcBind.PortmapVersion, 1, Mapping(mapping), cancellationToken).ConfigureAwait(false);

    /// <summary>Portmap UNSET (every protocol of the program version).</summary>
    /// <param name="program">The program.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when something was removed.</returns>
    public async Task<bool> UnsetAsync(uint program, uint version, CancellationToken cancellationToken = default) =>
        await BoolCallAsync(OncRpcBind.PortmapVersion, 2, Mapping(new OncPortMapping(program, version, 0, 0)), cancellationToken).ConfigureAwait(false);

    /// <summary>Portmap DUMP: every mapping.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The mappings.</returns>
    public async Task<IReadOnlyList<OncPortMapping>> DumpAsync(CancellationToken cancellationToken = default)
    {
        using XdrPooledBuffer reply = await CallAsync(OncRpcBind.PortmapVersion, 4, Array.Empty<byte>(), cancellationToken).ConfigureAwait(false);
        var reader = new XdrReader(reply.Span);
        var list = new List<OncPortMapping>();
        while (reader.ReadBool())
        {
            if (list.Count >= MaxDumpEntries)
            {
                throw new XdrException($"more than {MaxDumpEntries} mappings", "pmaplist");
            }

            list.Add(new OncPortMapping(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32()));
        }

        return list;
    }

    /// <summary>rpcbind SET.</summary>
    /// <param name="binding">The binding.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="version">3 or 4.</param>
    /// <returns>True when registered.</returns>
    public async Task<bool> SetAsync(OncRpcBinding binding, CancellationToken cancellationToken = default, uint version = OncRpcBind.Version4) =>
        await BoolCallAsync(CheckVersion(version), 1, Rpcb(binding), cancellationToken).ConfigureAwait(false);

    /// <summary>rpcbind UNSET of one netid (or every netid when <paramref name="netid"/> is empty).</summary>
    /// <param name="program">The program.</param>
    /// <param name="version">The program version.</param>
    /// <param name="netid">The netid, or empty for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="rpcbindVersion">3 or 4.</param>
    /// <returns>True when something was removed.</returns>
    public async Task<bool> UnsetAsync(uint program, uint version, string netid, CancellationToken cancellationToken = default, uint rpcbindVersion = OncRpcBind.Version4) =>
        await BoolCallAsync(CheckVersion(rpcbindVersion), 2, Rpcb(new OncRpcBinding(program, version, netid ?? "", "", OncRpcBind.DefaultOwner)), cancellationToken).ConfigureAwait(false);

    /// <summary>rpcbind GETADDR: the universal address of a program version over a netid.</summary>
    /// <remarks>rpcbind (1.2.6) looks the address up for the netid of the transport the query arrives on, not the
    /// netid in the query: ask over UDP to find a UDP address (or use <see cref="GetPortAsync"/> with a protocol).</remarks>
    /// <param name="program">The program.</param>
    /// <param name="version">The program version.</param>
    /// <param name="netid">The netid (tcp, udp, ...).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="rpcbindVersion">3 or 4.</param>
    /// <returns>The universal address, or empty when not registered.</returns>
    public async Task<string> GetAddrAsync(uint program, uint version, string netid, CancellationToken cancellationToken = default, uint rpcbindVersion = OncRpcBind.Version4)
    {
        using XdrPooledBuffer reply = await CallAsync(CheckVersion(rpcbindVersion), 3, Rpcb(new OncRpcBinding(program, version, netid, "", "")), cancellationToken).ConfigureAwait(false);
        var reader = new XdrReader(reply.Span);
        return reader.ReadString(255, "uaddr");
    }

    /// <summary>rpcbind v4 GETVERSADDR: like <see cref="GetAddrAsync"/>, but only that exact version (GETADDR and portmap GETPORT fall back to another registered version of the program).</summary>
    /// <param name="program">The program.</param>
    /// <param name="version">The program version.</param>
    /// <param name="netid">The netid (tcp, udp, ...).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The universal address, or empty when that version is not registered.</returns>
    public async Task<string> GetVersAddrAsync(uint program, uint version, string netid, CancellationToken cancellationToken = default)
    {
        using XdrPooledBuffer reply = await CallAsync(OncRpcBind.Version4, 9, Rpcb(new OncRpcBinding(program, version, netid, "", "")), cancellationToken).ConfigureAwait(false);
        var reader = new XdrReader(reply.Span);
        return reader.ReadString(255, "uaddr");
    }

    private static uint CheckVersion(uint version) =>
        version is OncRpcBind.Version3 or OncRpcBind.Version4 ? version : throw new ArgumentOutOfRangeException(nameof(version), version, "rpcbind versions are 3 and 4");

    private async Task<bool> BoolCallAsync(uint version, uint procedure, byte[] arguments, CancellationToken cancellationToken)
    {
        using XdrPooledBuffer reply = await CallAsync(version, procedure, arguments, cancellationToken).ConfigureAwait(false);
        var reader = new XdrReader(reply.Span);
        return reader.ReadBool();
    }

    private ValueTask<XdrPooledBuffer> CallAsync(uint version, uint procedure, byte[] arguments, CancellationToken cancellationToken) =>
        _transport.CallAsync(OncRpcBind.Program, version, procedure, arguments, cancellationToken);

    private static byte[] Mapping(OncPortMapping mapping)
    {
        using var buffer = new XdrBufferWriter(16);
        var writer = new XdrWriter(buffer);
        writer.WriteUInt32(mapping.Program);
        writer.WriteUInt32(mapping.Version);
        writer.WriteUInt32(mapping.Protocol);
        writer.WriteUInt32(mapping.Port);
        writer.Flush();
        return buffer.ToArray();
    }

    private static byte[] Rpcb(OncRpcBinding binding)
    {
        using var buffer = new XdrBufferWriter(64);
        var writer = new XdrWriter(buffer);
        writer.WriteUInt32(binding.Program);
        writer.WriteUInt32(binding.Version);
        writer.WriteString(binding.Netid, 255, "rpcb.netid");
        writer.WriteString(binding.Address, 255, "rpcb.addr");
        writer.WriteString(binding.Owner, 255, "rpcb.owner");
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>Closes the connection this client opened (<see cref="ConnectAsync"/>); a transport passed in stays open.</summary>
    /// <returns>When closed.</returns>
    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
