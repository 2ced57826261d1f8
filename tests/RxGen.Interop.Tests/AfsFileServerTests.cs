using System;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Golden.Afs;
using Golden.AfsCb;
using Golden.AfsCommon;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;

namespace RxGen.Interop.Tests;

/// <summary>
/// The generated FS client, with its callback service on the same socket, against the real OpenAFS
/// fileserver of the loopback test cell: create a file, store 16 MiB with StoreData64, fetch it back
/// with FetchData64 byte for byte, and FetchStatus agrees.
/// </summary>
public sealed class AfsFileServerTests
{
    private const int Size = 16 << 20;

    [Fact]
    public async Task Fs_client_with_callback_service_stores_and_fetches_16_MiB_on_the_real_fileserver()
    {
        await using var cell = await OpenAfsCell.StartAsync(withFileServer: true);
        var callbacks = new CacheManagerCallbacks(IPAddress.Loopback);
        await using var peer = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        peer.AddService(new RXAFSCBDispatcher(callbacks));
        await using var connection = peer.Connect(OpenAfsCell.FileServer, RXAFSProtocol.ServiceId);
        var fs = new RXAFSClient(connection);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;

        var root = new AFSFid { Volume = cell.RootAfsId, Vnode = 1, Unique = 1 };
        var rootStatus = await fs.FetchStatusAsync(root, ct);
        Assert.Equal(2u, rootStatus.OutStatus.FileType); // a directory
        // The fileserver called us back before answering (a client that does not answer gets RX_CALL_DEAD).
        Assert.Contains("TellMeAboutYourself", callbacks.Calls);

        string name = $"rxgen-{Guid.NewGuid():N}";
        var created = await fs.CreateFileAsync(root, name, new AFSStoreStatus { Mask = 1 | 8, ClientModTime = 1_700_000_000, UnixModeBits = 0x1a4 }, ct);
        var fid = created.OutFid;
        Assert.Equal(cell.RootAfsId, fid.Volume);

        var content = new byte[Size];
        new Random(12345).NextBytes(content);
        await using (var store = await fs.StartStoreData64Async(fid, new AFSStoreStatus(), 0, Size, Size, ct))
        {
            for (int offset = 0; offset < Size; offset += 256 * 1024)
            {
                await store.WriteAsync(content.AsMemory(offset, 256 * 1024), ct);
            }
            var stored = await store.EndAsync(ct);
            Assert.Equal((uint)Size, stored.OutStatus.Length);
        }

        var fetched = new byte[Size];
        await using (var fetch = await fs.StartFetchData64Async(fid, 0, Size, ct))
        {
            var lengthWords = new byte[8];
            await ReadExactlyAsync(fetch, lengthWords, ct);
            Assert.Equal((long)Size, BinaryPrimitives.ReadInt64BigEndian(lengthWords));
            await ReadExactlyAsync(fetch, fetched, ct);
            var end = await fetch.EndAsync(ct);
            Assert.Equal((uint)Size, end.OutStatus.Length);
        }
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(fetched));

        var status = await fs.FetchStatusAsync(fid, ct);
        Assert.Equal((uint)Size, status.OutStatus.Length);
        Assert.Equal(1u, status.OutStatus.FileType); // a file

        // An opcode the fileserver does not have.
        var unknown = await Assert.ThrowsAsync<RpcAbortException>(async () =>
        {
            using var reply = await RxCalls.CallAsync(connection, new byte[] { 0, 0, 0x27, 0x0f }, ct); // 9999
        });
        Assert.Equal(RxGenErrorCodes.Opcode, unknown.Code);

        await fs.RemoveFileAsync(root, name, ct);
    }

    private static async Task ReadExactlyAsync(RXAFSFetchData64Call call, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            int n = await call.ReadAsync(buffer, ct);
            Assert.True(n > 0, "the reply ended early");
            buffer = buffer[n..];
        }
    }
}
