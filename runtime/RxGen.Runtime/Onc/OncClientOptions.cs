using System;
using RxGen.Runtime.Rpc;

namespace RxGen.Runtime.Onc;

/// <summary>Settings of the TCP and UDP ONC RPC clients.</summary>
public sealed class OncClientOptions
{
    /// <summary>AUTH_SYS credentials sent with every call; null for AUTH_NONE.</summary>
    public OncAuthSysCredentials? Credentials { get; set; }

    /// <summary>How long a call may take in all (retransmissions included) before it fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>UDP: the wait before the first retransmission; it doubles after each one up to <see cref="MaxRetransmitInterval"/>.</summary>
    public TimeSpan RetransmitInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>UDP: the longest wait between retransmissions.</summary>
    public TimeSpan MaxRetransmitInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>TCP: the largest reply record accepted (a bigger one breaks the connection).</summary>
    public int MaxRecordSize { get; set; } = OncRecordMarking.DefaultMaxRecordSize;

    /// <summary>TCP: the largest record-marking fragment of a call: a bigger call is sent as several fragments.</summary>
    public int MaxFragmentSize { get; set; } = OncRecordMarking.DefaultMaxFragmentSize;

    /// <summary>
    /// TCP: when the connection has broken (the server closed it, or it failed), the next call connects again to
    /// the same address. Calls in flight on the broken connection fail with <see cref="System.IO.IOException"/>
    /// either way. False: every later call fails too.
    /// </summary>
    public bool Reconnect { get; set; } = true;

    /// <summary>UDP: the largest reply datagram accepted.</summary>
    public int MaxDatagramSize { get; set; } = 65535;
}
