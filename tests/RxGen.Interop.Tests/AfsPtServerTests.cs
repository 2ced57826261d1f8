using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Golden.Pt;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Xdr;

namespace RxGen.Interop.Tests;

/// <summary>The generated PT client against the real ptserver of the loopback cell, checked against the real pts.</summary>
public sealed class AfsPtServerTests
{
    [Fact]
    public async Task Pt_client_lists_the_same_entries_as_pts_listentries()
    {
        await using var cell = await OpenAfsCell.StartAsync();
        var mine = new List<(string Name, int Id)>();
        await using (var peer = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            await using var connection = peer.Connect(OpenAfsCell.PtServer, PRProtocol.ServiceId);
            var pt = new PRClient(connection);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            int start = 0;
            for (int page = 0; page < 1000; page++)
            {
                // PRUSERS | PRGROUPS, as 'pts listentries -users -groups'.
                var result = await pt.ListEntriesAsync(0x1 | 0x2, start, timeout.Token);
                mine.AddRange(result.Bulkentries.Select(e => (XdrText.FromCChars(e.Name), e.Id)));
                if (result.Nextstartindex <= 0 || result.Nextstartindex == start) break;
                start = result.Nextstartindex;
            }

            var ids = await pt.NameToIDAsync([XdrText.ToCChars("system:administrators", PtintIdl.PR_MAXNAMELEN), XdrText.ToCChars("system:anyuser", PtintIdl.PR_MAXNAMELEN)], timeout.Token);
            Assert.Equal([-204, -101], ids);
        }

        var pts = await cell.PtsAsync("listentries", "-users", "-groups");
        Assert.True(pts.ExitCode == 0, pts.Output);
        var theirs = Regex.Matches(pts.Output, @"^(\S+)\s+(-?\d+)\s+-?\d+\s+-?\d+\s*$", RegexOptions.Multiline)
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Item2).ToList();
        Assert.True(theirs.Count >= 5, pts.Output);
        Assert.Equal(theirs, mine.OrderBy(e => e.Id).ToList());
        Assert.Contains(("anonymous", 32766), mine);
    }
}
