using System;
using Microsoft.Extensions.Logging;

namespace RxGen.Runtime.Onc;

/// <summary>Limits and switches of an <see cref="OncServer"/>. Every limit bounds memory or work an untrusted peer can cause.</summary>
public sealed class OncServerOptions
{
    /// <summary>The largest record accepted on a TCP connection (a bigger one closes the connection).</summary>
    public int MaxRecordSize { get; set; } = OncRecordMarking.DefaultMaxRecordSize;

    /// <summary>The largest record-marking fragment of a TCP reply: a bigger reply is sent as several fragments.</summary>
    public int MaxFragmentSize { get; set; } = OncRecordMarking.DefaultMaxFragmentSize;

    /// <summary>The largest datagram accepted over UDP (the receive buffer's size; a bigger one is dropped).</summary>
    public int MaxDatagramSize { get; set; } = 65507;

    /// <summary>The most TCP connections open at once; a connection beyond it is closed as soon as it is accepted.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>The most calls one TCP connection may have running; beyond it the server stops reading from that connection (back-pressure).</summary>
    public int MaxCallsPerConnection { get; set; } = 64;

    /// <summary>The most calls running over all transports; beyond it TCP reads wait and UDP datagrams are dropped (the client retransmits).</summary>
    public int MaxCallsInFlight { get; set; } = 1024;

    /// <summary>A TCP connection with no call running and no complete record for this long is closed. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Entries of the UDP duplicate-request cache (one per recent call); 0 turns the cache off.</summary>
    public int DuplicateRequestCacheSize { get; set; } = 1024;

    /// <summary>The most reply bytes the duplicate-request cache holds.</summary>
    public long DuplicateRequestCacheBytes { get; set; } = 8L << 20;

    /// <summary>Register every (program, version) with the local rpcbind when the server starts, and unregister when it stops.</summary>
    public bool RegisterWithRpcBind { get; set; }

    /// <summary>Where rpcbind listens (used only with <see cref="RegisterWithRpcBind"/>); null for <see cref="OncRpcBind.LocalEndPoint"/> (its Unix socket, else 127.0.0.1:111).</summary>
    public System.Net.EndPoint? RpcBindEndPoint { get; set; }

    /// <summary>Where the server logs; null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordSize, OncMessages.MinCallLength, nameof(MaxRecordSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFragmentSize, 1, nameof(MaxFragmentSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, OncMessages.MinCallLength, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramSize, 65535, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCallsPerConnection, 1, nameof(MaxCallsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCallsInFlight, 1, nameof(MaxCallsInFlight));
        ArgumentOutOfRangeException.ThrowIfNegative(DuplicateRequestCacheSize, nameof(DuplicateRequestCacheSize));
        ArgumentOutOfRangeException.ThrowIfNegative(DuplicateRequestCacheBytes, nameof(DuplicateRequestCacheBytes));
        if (IdleTimeout != System.Threading.Timeout.InfiniteTimeSpan && IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "must be positive or infinite");
        }
    }
}
