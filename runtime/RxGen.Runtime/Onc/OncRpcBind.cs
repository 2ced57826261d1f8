using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RxGen.Runtime.Onc;

/// <summary>The portmapper / rpcbind protocol's numbers (RFC 1833): program 100000 on port 111, versions 2 (portmap), 3 and 4 (rpcbind).</summary>
public static class OncRpcBind
{
    /// <summary>The program number.</summary>
    public const uint Program = 100000;

    /// <summary>The well-known port.</summary>
    public const int Port = 111;

    /// <summary>Portmap version 2.</summary>
    public const uint PortmapVersion = 2;

    /// <summary>rpcbind version 3.</summary>
    public const uint Version3 = 3;

    /// <summary>rpcbind version 4.</summary>
    public const uint Version4 = 4;

    /// <summary>IPPROTO_TCP, for portmap mappings.</summary>
    public const uint ProtocolTcp = 6;

    /// <summary>IPPROTO_UDP, for portmap mappings.</summary>
    public const uint ProtocolUdp = 17;

    /// <summary>The local (Unix socket) address where rpcbind listens on Linux.</summary>
    public const string LocalSocketPath = "/run/rpcbind.sock";

    /// <summary>The owner string sent with SET/UNSET (rpcbind replaces it with what it knows about the caller).</summary>
    public const string DefaultOwner = "rxgen";

    /// <summary>Where to reach the local rpcbind: its Unix socket when present (no reserved port needed to register), else 127.0.0.1:111.</summary>
    /// <returns>The address.</returns>
    public static EndPoint LocalEndPoint() =>
        System.IO.File.Exists(LocalSocketPath) ? new UnixDomainSocketEndPoint(LocalSocketPath) : new IPEndPoint(IPAddress.Loopback, Port);
}

/// <summary>A portmap v2 mapping (<c>struct mapping</c>).</summary>
/// <param name="Program">The program.</param>
/// <param name="Version">The version.</param>
/// <param name="Protocol">6 (TCP) or 17 (UDP).</param>
/// <param name="Port">The port.</param>
public readonly record struct OncPortMapping(uint Program, uint Version, uint Protocol, uint Port);

/// <summary>An rpcbind v3/v4 binding (<c>struct rpcb</c>).</summary>
/// <param name="Program">The program.</param>
/// <param name="Version">The version.</param>
/// <param name="Netid">The network id: tcp, udp, tcp6, udp6, local.</param>
/// <param name="Address">The universal address (<see cref="OncUniversalAddress"/>).</param>
/// <param name="Owner">Who registered it.</param>
public sealed record OncRpcBinding(uint Program, uint Version, string Netid, string Address, string Owner);

/// <summary>Universal addresses of TCP/UDP endpoints (RFC 1833 §2.1, RFC 5665): <c>h1.h2.h3.h4.p1.p2</c>, or an IPv6 address followed by <c>.p1.p2</c>.</summary>
public static class OncUniversalAddress
{
    /// <summary>Formats an endpoint.</summary>
    /// <param name="endPoint">The endpoint.</param>
    /// <returns>The universal address.</returns>
    public static string Format(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return string.Create(CultureInfo.InvariantCulture, $"{endPoint.Address}.{endPoint.Port >> 8}.{endPoint.Port & 0xFF}");
    }

    /// <summary>Parses a universal address.</summary>
    /// <param name="address">The universal address.</param>
    /// <param name="endPoint">The endpoint.</param>
    /// <returns>False when it is not a universal address of an IP endpoint.</returns>
    public static bool TryParse(string? address, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (string.IsNullOrEmpty(address) || address.Length > 128)
        {
            return false;
        }

        int last = address.LastIndexOf('.');
        int second = last > 0 ? address.LastIndexOf('.', last - 1) : -1;
        if (second <= 0
            || !byte.TryParse(address.AsSpan(second + 1, last - second - 1), NumberStyles.None, CultureInfo.InvariantCulture, out byte high)
            || !byte.TryParse(address.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out byte low)
            || !IPAddress.TryParse(address.AsSpan(0, second), out IPAddress? ip))
        {
            return false;
        }

        endPoint = new IPEndPoint(ip, (high << 8) | low);
        return true;
    }
}
