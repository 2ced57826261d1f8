using System.Threading.Tasks;
using RxGen.Interop.Tests.TestSupport;

namespace RxGen.Interop.Tests;

/// <summary>The OpenAFS test cell fixture itself: the real tools see a working VLDB and protection database.</summary>
public sealed class OpenAfsCellTests
{
    [Fact]
    public async Task Real_vos_and_pts_work_against_the_loopback_cell_and_the_system_files_are_restored()
    {
        bool netInfoBefore = System.IO.File.Exists("/var/lib/openafs/local/NetInfo");
        await using (var cell = await OpenAfsCell.StartAsync())
        {
            var vos = await cell.VosAsync("listvldb");
            Assert.True(vos.ExitCode == 0, vos.Output);
            Assert.Contains("Total entries: 0", vos.Output);

            var pts = await cell.PtsAsync("listentries");
            Assert.True(pts.ExitCode == 0, pts.Output);
            Assert.Matches(@"anonymous\s+32766", pts.Output);

            var version = await ProcessRunner.RunToolAsync("rxdebug", "127.0.0.1", "7003", "-version");
            Assert.Contains("AFS version: OpenAFS", version.Output);
            Assert.Equal("f 127.0.0.1", System.IO.File.ReadAllText("/var/lib/openafs/local/NetInfo").Trim());
        }

        Assert.Equal(netInfoBefore, System.IO.File.Exists("/var/lib/openafs/local/NetInfo"));
        // The servers are gone: their ports can be bound again.
        using var vl = new System.Net.Sockets.UdpClient(OpenAfsCell.VlServer);
        using var pt = new System.Net.Sockets.UdpClient(OpenAfsCell.PtServer);
    }

    [Fact]
    public async Task Full_cell_has_root_afs_on_the_loopback_file_server()
    {
        await using var cell = await OpenAfsCell.StartAsync(withFileServer: true);
        Assert.True(cell.RootAfsId >= 536870912u, $"root.afs id {cell.RootAfsId}");
        var examine = await cell.VosAsync("examine", "root.afs");
        Assert.True(examine.ExitCode == 0, examine.Output);
        Assert.Contains($"RWrite: {cell.RootAfsId}", examine.Output);
        Assert.Matches(@"server \S+ partition /vicepa RW Site", examine.Output);
        var version = await ProcessRunner.RunToolAsync("rxdebug", "127.1.0.1", "7000", "-version");
        Assert.Contains("AFS version: OpenAFS", version.Output);
    }
}
