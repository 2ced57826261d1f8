namespace RxGen.Runtime.Rx.Transport;

/// <summary>A snapshot of an <see cref="RxPeer"/>'s counters.</summary>
/// <param name="DatagramsReceived">Datagrams received.</param>
/// <param name="DatagramsSent">Datagrams sent.</param>
/// <param name="DatagramsDropped">Received datagrams dropped (malformed, stale, unexpected).</param>
/// <param name="Retransmissions">DATA packets sent again.</param>
/// <param name="ServerCalls">Calls served.</param>
/// <param name="ClientCalls">Calls made.</param>
/// <param name="ActiveCalls">Calls in progress now.</param>
/// <param name="ServerConnections">Server connections held now.</param>
/// <param name="DataPacketsSent">DATA packets sent (first transmissions).</param>
/// <param name="DataPacketsReceived">Unique DATA packets received.</param>
/// <param name="AcksSent">ACK packets sent.</param>
/// <param name="AcksReceived">ACK packets received.</param>
/// <param name="BusyReceived">BUSY packets received.</param>
/// <param name="BusyRetries">Requests sent again early because of a BUSY.</param>
/// <param name="ServerCallsRefused">New server calls refused because their service was full (running plus queued calls).</param>
/// <param name="Timeouts">Retransmission timeouts.</param>
public readonly record struct RxPeerStatistics(
    long DatagramsReceived,
    long DatagramsSent,
    long DatagramsDropped,
    long Retransmissions,
    long ServerCalls,
    long ClientCalls,
    int ActiveCalls,
    int ServerConnections,
    long DataPacketsSent = 0,
    long DataPacketsReceived = 0,
    long AcksSent = 0,
    long AcksReceived = 0,
    long BusyReceived = 0,
    long BusyRetries = 0,
    long ServerCallsRefused = 0,
    long Timeouts = 0);
