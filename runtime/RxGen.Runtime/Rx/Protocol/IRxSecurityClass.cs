using System;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// A security class (OpenAFS <c>rx_securityClass</c>): the per-connection seam where rxnull, rxkad and rxgk plug in.
/// The core asks it for one <see cref="IRxSecurityContext"/> per connection.
/// </summary>
public interface IRxSecurityClass
{
    /// <summary>The security index carried in every packet header of connections using this class.</summary>
    RxSecurityIndex Index { get; }

    /// <summary>Creates the state of one connection.</summary>
    /// <param name="isServer">True for a connection on which we serve calls.</param>
    /// <param name="epoch">The connection's epoch.</param>
    /// <param name="connectionId">The connection id (channel bits clear).</param>
    /// <returns>The connection's security context.</returns>
    IRxSecurityContext CreateContext(bool isServer, uint epoch, uint connectionId);
}

/// <summary>
/// The security state of one connection: the challenge/response handshake and the per-packet hooks. Hooks get spans
/// of wire data and must never throw on hostile input: they return false instead.
/// </summary>
public interface IRxSecurityContext
{
    /// <summary>Server side: whether calls may run (rxnull: always). When false the core sends a CHALLENGE.</summary>
    bool IsAuthenticated { get; }

    /// <summary>Who the peer is once authenticated (null for anonymous).</summary>
    object? Identity { get; }

    /// <summary>Bytes the class adds to each DATA payload (header or trailer); the core leaves room for them.</summary>
    int PacketOverhead { get; }

    /// <summary>Server side: writes a CHALLENGE payload.</summary>
    /// <param name="destination">Where to write.</param>
    /// <returns>The bytes written (0: no challenge needed).</returns>
    int WriteChallenge(Span<byte> destination);

    /// <summary>Client side: answers a CHALLENGE payload with a RESPONSE payload.</summary>
    /// <param name="challenge">The challenge payload.</param>
    /// <param name="destination">Where to write the response.</param>
    /// <param name="written">The bytes written.</param>
    /// <returns>False to ignore the challenge.</returns>
    bool TryRespond(ReadOnlySpan<byte> challenge, Span<byte> destination, out int written);

    /// <summary>Server side: checks a RESPONSE payload; true authenticates the connection.</summary>
    /// <param name="response">The response payload.</param>
    /// <returns>Whether the response is good.</returns>
    bool CheckResponse(ReadOnlySpan<byte> response);

    /// <summary>Before sending: protects <paramref name="payload"/> in place (it has <see cref="PacketOverhead"/> spare bytes at its end) and returns the header checksum.</summary>
    /// <param name="header">The packet header.</param>
    /// <param name="payload">The payload, growable up to its span length.</param>
    /// <param name="length">In: the plain length; out: the protected length.</param>
    /// <returns>The value for header bytes 24–25.</returns>
    ushort PreparePacket(in RxHeader header, Span<byte> payload, ref int length);

    /// <summary>
    /// After receiving: verifies a DATA payload (checksum, sequence) and gives the length of its plain data, which
    /// starts at the payload's start. (An encrypting level will need an in-place variant; rxkad is not implemented yet.)
    /// </summary>
    /// <param name="header">The packet header.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="length">Out: the plain length.</param>
    /// <returns>False to drop the packet.</returns>
    bool CheckPacket(in RxHeader header, ReadOnlySpan<byte> payload, out int length);
}

/// <summary>rxnull (security index 0): no challenge, no checksum, anonymous callers.</summary>
public sealed class RxNullSecurityClass : IRxSecurityClass, IRxSecurityContext
{
    /// <summary>The one instance (it has no state).</summary>
    public static RxNullSecurityClass Instance { get; } = new();

    private RxNullSecurityClass()
    {
    }

    /// <inheritdoc/>
    public RxSecurityIndex Index => RxSecurityIndex.Null;

    /// <inheritdoc/>
    public bool IsAuthenticated => true;

    /// <inheritdoc/>
    public object? Identity => null;

    /// <inheritdoc/>
    public int PacketOverhead => 0;

    /// <inheritdoc/>
    public IRxSecurityContext CreateContext(bool isServer, uint epoch, uint connectionId) => this;

    /// <inheritdoc/>
    public int WriteChallenge(Span<byte> destination) => 0;

    /// <inheritdoc/>
    public bool TryRespond(ReadOnlySpan<byte> challenge, Span<byte> destination, out int written)
    {
        written = 0;
        return false;
    }

    /// <inheritdoc/>
    public bool CheckResponse(ReadOnlySpan<byte> response) => true;

    /// <inheritdoc/>
    public ushort PreparePacket(in RxHeader header, Span<byte> payload, ref int length) => 0;

    /// <inheritdoc/>
    public bool CheckPacket(in RxHeader header, ReadOnlySpan<byte> payload, out int length)
    {
        length = payload.Length;
        return true;
    }
}
