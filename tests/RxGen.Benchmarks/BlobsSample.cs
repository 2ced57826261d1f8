using Golden.Blobs;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// The benchmark value of tests/peers/bench/blobs.x, built exactly as tests/peers/bench/blobs_bench.c builds it:
/// five variable opaques of 317, 256, 1234, 4096 and 777 bytes (byte j of blob k is (31 j + 97 k + 7) mod 256),
/// three ASCII strings and four scalars.
/// </summary>
internal static class BlobsSample
{
    /// <summary>The encoded size (blobs_bench reports the same).</summary>
    public const int EncodedLength = 6848;

    /// <summary>Builds the sample field by field.</summary>
    public static blobs Create() => new()
    {
        Id = 0x0123456789abcdefUL,
        Mtime = 1700000000123456789L,
        Mode = 0x81a4, // 0100644
        Path = "/afs/test.cell/user/admin/projects/rxgen/bench/blob-0001.dat",
        Owner = "user.admin@TEST.CELL",
        Mime = "application/octet-stream",
        Icon = Fill(317, 0),
        Key = Fill(256, 1),
        Acl = Fill(1234, 2),
        Body = Fill(4096, 3),
        Trailer = Fill(777, 4),
        Crc = 0xdeadbeefu,
    };

    /// <summary>The C# encoding of <see cref="Create"/>.</summary>
    public static byte[] Encode() => Xdr.Serialize(Create());

    private static byte[] Fill(int length, int k)
    {
        var bytes = new byte[length];
        for (int j = 0; j < length; j++)
        {
            bytes[j] = unchecked((byte)((j * 31) + (k * 97) + 7));
        }

        return bytes;
    }
}
