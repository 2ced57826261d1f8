using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Golden.AfsCb;
using Golden.AfsCommon;
using RxGen.Runtime.Afs;
using RxGen.Runtime.Rpc;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>
/// The cache-manager duties of an AFS client (service 1 on the client's own socket), over the generated
/// RXAFSCB service base: the OpenAFS fileserver calls every new client back (TellMeAboutYourself,
/// InitCallBackState3) before answering it, probes it later (Probe, ProbeUuid, WhoAreYou), and breaks its
/// callbacks (CallBack). A client that does not answer gets RX_CALL_DEAD on every RXAFS call.
/// </summary>
public sealed class CacheManagerCallbacks : RXAFSCBServiceBase
{
    /// <summary>CLIENT_CAPABILITY_ERRORTRANS: the client translates Unix error numbers.</summary>
    public const uint CapabilityErrorTranslation = 0x1;

    private readonly int _address;

    /// <param name="address">The client's IPv4 address, as the fileserver sees it.</param>
    public CacheManagerCallbacks(System.Net.IPAddress address)
    {
        var b = address.GetAddressBytes();
        _address = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
    }

    /// <summary>This client's UUID.</summary>
    public AfsUuid Uuid { get; } = AfsUuid.FromGuid(Guid.NewGuid());

    /// <summary>The opcodes the server called, in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Callbacks broken by the server (CallBack).</summary>
    public ConcurrentQueue<AFSFid> Broken { get; } = new();

    public override ValueTask ProbeAsync(RxCallContext context) => Record("Probe");

    public override ValueTask ProbeUuidAsync(AfsUuid clientUuid, RxCallContext context)
    {
        Calls.Enqueue("ProbeUuid");
        // A cache manager with another UUID answers non-zero: the server then treats it as a new client.
        return clientUuid == Uuid ? ValueTask.CompletedTask : throw new RpcAbortException(1, "not this client's UUID");
    }

    public override ValueTask<interfaceAddr> WhoAreYouAsync(RxCallContext context)
    {
        Calls.Enqueue("WhoAreYou");
        return ValueTask.FromResult(Interfaces());
    }

    public override ValueTask<RXAFSCBTellMeAboutYourselfResult> TellMeAboutYourselfAsync(RxCallContext context)
    {
        Calls.Enqueue("TellMeAboutYourself");
        return ValueTask.FromResult(new RXAFSCBTellMeAboutYourselfResult(Interfaces(), new[] { CapabilityErrorTranslation }));
    }

    public override ValueTask InitCallBackStateAsync(RxCallContext context) => Record("InitCallBackState");

    public override ValueTask InitCallBackState3Async(AfsUuid serverUuid, RxCallContext context) => Record("InitCallBackState3");

    public override ValueTask CallBackAsync(AFSFid[] fidsArray, AFSCallBack[] callBacksArray, RxCallContext context)
    {
        Calls.Enqueue("CallBack");
        foreach (var fid in fidsArray) Broken.Enqueue(fid);
        return ValueTask.CompletedTask;
    }

    public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context)
    {
        Calls.Enqueue("GetCapabilities");
        return ValueTask.FromResult(new[] { CapabilityErrorTranslation });
    }

    private ValueTask Record(string name)
    {
        Calls.Enqueue(name);
        return ValueTask.CompletedTask;
    }

    private interfaceAddr Interfaces()
    {
        var addr = new interfaceAddr { NumberOfInterfaces = 1, Uuid = Uuid };
        addr.AddrIn[0] = _address;
        addr.Subnetmask[0] = unchecked((int)0xff000000);
        addr.Mtu[0] = 1500;
        return addr;
    }
}
