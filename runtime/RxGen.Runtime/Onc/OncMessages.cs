using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>Why a call was rejected with AUTH_ERROR (RFC 5531 §9, auth_stat).</summary>
public enum OncAuthStat : uint
{
    /// <summary>AUTH_OK.</summary>
    Ok = 0,

    /// <summary>AUTH_BADCRED: bad credential (seal broken).</summary>
    BadCred = 1,

    /// <summary>AUTH_REJECTEDCRED: the client must begin a new session.</summary>
    RejectedCred = 2,

    /// <summary>AUTH_BADVERF.</summary>
    BadVerf = 3,

    /// <summary>AUTH_REJECTEDVERF.</summary>
    RejectedVerf = 4,

    /// <summary>AUTH_TOOWEAK: the flavour is not accepted.</summary>
    TooWeak = 5,
}

/// <summary>The header of an ONC RPC call message, as a server reads it. The credential body is a slice of the message.</summary>
public readonly struct OncCallHeader
{
    internal OncCallHeader(uint xid, uint rpcVersion, uint program, uint version, uint procedure, OncAuthFlavor credentialFlavor, int credentialOffset, int credentialLength, OncAuthFlavor verifierFlavor, int argumentsOffset)
    {
        Xid = xid;
        RpcVersion = rpcVersion;
        Program = program;
        Version = version;
        Procedure = procedure;
        CredentialFlavor = credentialFlavor;
        CredentialOffset = credentialOffset;
        CredentialLength = credentialLength;
        VerifierFlavor = verifierFlavor;
        ArgumentsOffset = argumentsOffset;
    }

    /// <summary>The transaction id.</summary>
    public uint Xid { get; }

    /// <summary>The RPC protocol version (2).</summary>
    public uint RpcVersion { get; }

    /// <summary>The program number.</summary>
    public uint Program { get; }

    /// <summary>The program version.</summary>
    public uint Version { get; }

    /// <summary>The procedure number.</summary>
    public uint Procedure { get; }

    /// <summary>The credential's flavour.</summary>
    public OncAuthFlavor CredentialFlavor { get; }

    /// <summary>Where the credential body starts in the message.</summary>
    public int CredentialOffset { get; }

    /// <summary>The credential body's length.</summary>
    public int CredentialLength { get; }

    /// <summary>The verifier's flavour.</summary>
    public OncAuthFlavor VerifierFlavor { get; }

    /// <summary>Where the procedure arguments start in the message.</summary>
    public int ArgumentsOffset { get; }
}

/// <summary>What a reply said, as a client reads it.</summary>
public enum OncReplyKind
{
    /// <summary>MSG_ACCEPTED with SUCCESS: results follow.</summary>
    Success,

    /// <summary>MSG_ACCEPTED with another accept_stat.</summary>
    NotAccepted,

    /// <summary>MSG_DENIED / RPC_MISMATCH with the supported RPC versions.</summary>
    RpcMismatch,

    /// <summary>MSG_DENIED / AUTH_ERROR.</summary>
    AuthError,
}

/// <summary>A decoded reply header.</summary>
/// <param name="Xid">The transaction id.</param>
/// <param name="Kind">What the reply said.</param>
/// <param name="AcceptStat">For accepted replies, the accept_stat.</param>
/// <param name="Low">Lowest supported (program or RPC) version, for the mismatch replies.</param>
/// <param name="High">Highest supported version, for the mismatch replies.</param>
/// <param name="AuthStat">For AUTH_ERROR, why.</param>
/// <param name="ResultsOffset">Where the results start (SUCCESS).</param>
public readonly record struct OncReplyHeader(uint Xid, OncReplyKind Kind, OncAcceptStat AcceptStat, uint Low, uint High, OncAuthStat AuthStat, int ResultsOffset);

/// <summary>ONC RPC message codec (RFC 5531 §9): pure functions over spans. Every length read from the wire is
/// bounded (an opaque_auth body is at most 400 bytes), and a malformed message is reported, never thrown.</summary>
public static class OncMessages
{
    /// <summary>CALL.</summary>
    public const uint Call = 0;

    /// <summary>REPLY.</summary>
    public const uint Reply = 1;

    /// <summary>The RPC protocol version this implements.</summary>
    public const uint RpcVersion = 2;

    /// <summary>The largest opaque_auth body.</summary>
    public const int MaxAuthBody = 400;

    /// <summary>The shortest call message: xid, type, rpcvers, prog, vers, proc, two empty opaque_auths.</summary>
    public const int MinCallLength = 40;

    /// <summary>Reads a call header.</summary>
    /// <param name="message">One whole message (a datagram, or a record).</param>
    /// <param name="header">The header.</param>
    /// <returns>False when the message is not a well-formed call (too short, a reply, an oversized auth body).</returns>
    public static bool TryReadCall(ReadOnlySpan<byte> message, out OncCallHeader header)
    {
        header = default;
        if (message.Length < MinCallLength)
        {
            return false;
        }

        uint xid = U32(message, 0);
        if (U32(message, 4) != Call)
        {
            return false;
        }

        uint rpcVersion = U32(message, 8);
        uint program = U32(message, 12);
        uint version = U32(message, 16);
        uint procedure = U32(message, 20);
        int offset = 24;
        if (!TryReadAuth(message, ref offset, out var credFlavor, out int credOffset, out int credLength)
            || !TryReadAuth(message, ref offset, out var verfFlavor, out _, out _))
        {
            return false;
        }

        header = new OncCallHeader(xid, rpcVersion, program, version, procedure, credFlavor, credOffset, credLength, verfFlavor, offset);
        return true;
    }

    /// <summary>Reads just the xid of a message, if it has one.</summary>
    /// <param name="message">The message.</param>
    /// <param name="xid">The xid.</param>
    /// <returns>False for a message shorter than 4 bytes.</returns>
    public static bool TryReadXid(ReadOnlySpan<byte> message, out uint xid)
    {
        xid = message.Length >= 4 ? U32(message, 0) : 0;
        return message.Length >= 4;
    }

    private static bool TryReadAuth(ReadOnlySpan<byte> message, ref int offset, out OncAuthFlavor flavor, out int bodyOffset, out int bodyLength)
    {
        flavor = default;
        bodyOffset = bodyLength = 0;
        if (message.Length - offset < 8)
        {
            return false;
        }

        flavor = (OncAuthFlavor)U32(message, offset);
        uint length = U32(message, offset + 4);
        if (length > MaxAuthBody)
        {
            return false;
        }

        int padded = ((int)length + 3) & ~3;
        if (message.Length - offset - 8 < padded)
        {
            return false;
        }

        bodyOffset = offset + 8;
        bodyLength = (int)length;
        offset += 8 + padded;
        return true;
    }

    /// <summary>Writes a call header (RPC version 2) with the given credential and an AUTH_NONE verifier.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="xid">The transaction id.</param>
    /// <param name="program">The program.</param>
    /// <param name="version">The version.</param>
    /// <param name="procedure">The procedure.</param>
    /// <param name="credentials">AUTH_SYS credentials, or null for AUTH_NONE.</param>
    public static void WriteCall(IBufferWriter<byte> output, uint xid, uint program, uint version, uint procedure, OncAuthSysCredentials? credentials = null)
    {
        var writer = new XdrWriter(output);
        writer.WriteUInt32(xid);
        writer.WriteUInt32(Call);
        writer.WriteUInt32(RpcVersion);
        writer.WriteUInt32(program);
        writer.WriteUInt32(version);
        writer.WriteUInt32(procedure);
        if (credentials is null)
        {
            writer.WriteUInt32((uint)OncAuthFlavor.None);
            writer.WriteUInt32(0);
        }
        else
        {
            using var body = new XdrBufferWriter();
            credentials.Encode(body);
            writer.WriteUInt32((uint)OncAuthFlavor.Sys);
            writer.WriteVariableOpaque(body.WrittenSpan, MaxAuthBody, "cred");
        }

        writer.WriteUInt32((uint)OncAuthFlavor.None);
        writer.WriteUInt32(0);
        writer.Flush();
    }

    /// <summary>Writes an accepted reply header (AUTH_NONE verifier); for SUCCESS the results follow, for PROG_MISMATCH the versions.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="xid">The call's xid.</param>
    /// <param name="status">The accept_stat.</param>
    /// <param name="low">Lowest supported version (PROG_MISMATCH only).</param>
    /// <param name="high">Highest supported version (PROG_MISMATCH only).</param>
    public static void WriteAccepted(IBufferWriter<byte> output, uint xid, OncAcceptStat status, uint low = 0, uint high = 0)
    {
        Span<byte> span = output.GetSpan(32);
        BinaryPrimitives.WriteUInt32BigEndian(span, xid);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(4), Reply);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(8), 0); // MSG_ACCEPTED
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(12), 0); // verifier AUTH_NONE
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(16), 0);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(20), (uint)status);
        int length = 24;
        if (status == OncAcceptStat.ProgMismatch)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span.Slice(24), low);
            BinaryPrimitives.WriteUInt32BigEndian(span.Slice(28), high);
            length = 32;
        }

        output.Advance(length);
    }

    /// <summary>Writes MSG_DENIED / RPC_MISMATCH (the server speaks RPC version 2 only).</summary>
    /// <param name="output">The destination.</param>
    /// <param name="xid">The call's xid.</param>
    public static void WriteRpcMismatch(IBufferWriter<byte> output, uint xid)
    {
        Span<byte> span = output.GetSpan(24);
        BinaryPrimitives.WriteUInt32BigEndian(span, xid);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(4), Reply);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(8), 1); // MSG_DENIED
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(12), 0); // RPC_MISMATCH
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(16), RpcVersion);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(20), RpcVersion);
        output.Advance(24);
    }

    /// <summary>Writes MSG_DENIED / AUTH_ERROR.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="xid">The call's xid.</param>
    /// <param name="status">Why.</param>
    public static void WriteAuthError(IBufferWriter<byte> output, uint xid, OncAuthStat status)
    {
        Span<byte> span = output.GetSpan(20);
        BinaryPrimitives.WriteUInt32BigEndian(span, xid);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(4), Reply);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(8), 1); // MSG_DENIED
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(12), 1); // AUTH_ERROR
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(16), (uint)status);
        output.Advance(20);
    }

    /// <summary>Reads a reply header.</summary>
    /// <param name="message">One whole reply message.</param>
    /// <param name="header">The header.</param>
    /// <returns>False when the message is not a well-formed reply.</returns>
    public static bool TryReadReply(ReadOnlySpan<byte> message, out OncReplyHeader header)
    {
        header = default;
        if (message.Length < 12 || U32(message, 4) != Reply)
        {
            return false;
        }

        uint xid = U32(message, 0);
        uint replyStat = U32(message, 8);
        if (replyStat == 0)
        {
            int offset = 12;
            if (!TryReadAuth(message, ref offset, out _, out _, out _) || message.Length - offset < 4)
            {
                return false;
            }

            var accept = (OncAcceptStat)U32(message, offset);
            offset += 4;
            if (accept == OncAcceptStat.Success)
            {
                header = new OncReplyHeader(xid, OncReplyKind.Success, accept, 0, 0, OncAuthStat.Ok, offset);
                return true;
            }

            if (accept == OncAcceptStat.ProgMismatch)
            {
                if (message.Length - offset < 8)
                {
                    return false;
                }

                header = new OncReplyHeader(xid, OncReplyKind.NotAccepted, accept, U32(message, offset), U32(message, offset + 4), OncAuthStat.Ok, 0);
                return true;
            }

            header = new OncReplyHeader(xid, OncReplyKind.NotAccepted, accept, 0, 0, OncAuthStat.Ok, 0);
            return true;
        }

        if (replyStat != 1 || message.Length < 16)
        {
            return false;
        }

        uint rejectStat = U32(message, 12);
        if (rejectStat == 0 && message.Length >= 24)
        {
            header = new OncReplyHeader(xid, OncReplyKind.RpcMismatch, OncAcceptStat.Success, U32(message, 16), U32(message, 20), OncAuthStat.Ok, 0);
            return true;
        }

        if (rejectStat == 1 && message.Length >= 20)
        {
            header = new OncReplyHeader(xid, OncReplyKind.AuthError, OncAcceptStat.Success, 0, 0, (OncAuthStat)U32(message, 16), 0);
            return true;
        }

        return false;
    }

    private static uint U32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset));
}
