using System;
using Consumer.AfsCommon;
using Consumer.Cb;
using Consumer.Fs;
using RxGen.Runtime.Xdr;

namespace Consumer;

/// <summary>One AFSFid type for the FS client (afsint.xg) and the callback service (afscbint.xg): common.xg's
/// definitions are generated once, in Consumer.AfsCommon.</summary>
internal static class SharedIncludes
{
    public static void Check()
    {
        var fid = new AFSFid { Volume = 536870912u, Vnode = 1, Unique = 1 };

        // The FS client encodes a request with it...
        using var fsRequest = new XdrBufferWriter();
        RXAFSProtocol.EncodeFetchStatusRequest(fsRequest, fid);

        // ...and a callback break carrying the same value decodes, on the callback service's side, into the same type.
        using var cbRequest = new XdrBufferWriter();
        RXAFSCBProtocol.EncodeCallBackRequest(cbRequest, new[] { fid }, new[] { new AFSCallBack() });
        var reader = new XdrReader(cbRequest.WrittenSpan.Slice(4)); // after the opcode
        var (fids, _) = RXAFSCBProtocol.DecodeCallBackRequest(ref reader);
        AFSFid same = fids[0];
        if (same.Volume != fid.Volume || same.Vnode != fid.Vnode || same.Unique != fid.Unique)
            throw new InvalidOperationException("consumer check failed: shared AFSFid");

        // Every IDL type is reachable by its IDL name.
        if (CommonIdl.Types["AFSFid"].ClrType != typeof(AFSFid) || CommonIdl.Types["AFSFid"].Deserialize(Xdr.Serialize(fid)) is not AFSFid)
            throw new InvalidOperationException("consumer check failed: type table");
    }
}
