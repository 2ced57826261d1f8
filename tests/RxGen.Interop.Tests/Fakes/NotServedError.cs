using RxGen.Runtime.Rpc;

namespace RxGen.Interop.Tests.Fakes;

/// <summary>What the service bases answer for a procedure a test does not serve.</summary>
internal static class NotServedError
{
    /// <summary>An abort with RXGEN_OPCODE, as an OpenAFS server answers an opcode it does not implement.</summary>
    public static RpcAbortException Create(string procedure) =>
        new(RxGenErrorCodes.Opcode, $"{procedure} is not served by this test service");
}
