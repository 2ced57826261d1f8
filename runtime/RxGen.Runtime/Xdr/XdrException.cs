using System;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// Thrown when a value cannot be encoded to or decoded from XDR: a bound is exceeded, the input is
/// malformed, or the input ended before the value did (<see cref="IsTruncation"/>).
/// </summary>
public sealed class XdrException : Exception
{
    /// <summary>Creates an exception; <paramref name="fieldPath"/>, when given, is appended to the message.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="fieldPath">The field being encoded or decoded, e.g. <c>entry.serverNumber[3]</c>.</param>
    /// <param name="isTruncation">True when the input ended before the value did.</param>
    public XdrException(string message, string? fieldPath = null, bool isTruncation = false)
        : this(message, fieldPath, isTruncation, requiredLength: -1, innerException: null)
    {
    }

    /// <summary>Creates an exception that wraps the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="fieldPath">The field being encoded or decoded.</param>
    /// <param name="innerException">The cause.</param>
    public XdrException(string message, string? fieldPath, Exception? innerException)
        : this(message, fieldPath, isTruncation: false, requiredLength: -1, innerException)
    {
    }

    internal XdrException(string message, string? fieldPath, bool isTruncation, long requiredLength, Exception? innerException)
        : base(Compose(message, fieldPath), innerException)
    {
        FieldPath = fieldPath;
        IsTruncation = isTruncation;
        RequiredLength = requiredLength;
    }

    /// <summary>The field being encoded or decoded when the error happened, if known (e.g. <c>entry.serverNumber[3]</c>).</summary>
    public string? FieldPath { get; }

    /// <summary>
    /// True when the input ended before the value did. A reader over a stream may read more data and
    /// decode again; a reader over a complete message has received a truncated message.
    /// </summary>
    public bool IsTruncation { get; }

    /// <summary>
    /// For truncations raised by <see cref="XdrReader"/>: the input length (counted from the start of the
    /// reader's span) that the failing read needed at least; -1 when unknown.
    /// </summary>
    internal long RequiredLength { get; }

    private static string Compose(string message, string? fieldPath) =>
        fieldPath is null ? message : $"{message} (field '{fieldPath}')";
}
