using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>One entry of <c>vos listvldb -noresolve</c> output.</summary>
public sealed record VosEntry(string Name, uint Rw, uint Ro, uint Bk, int Sites, IReadOnlyList<string> SiteLines)
{
    /// <summary>The same entry in afsvl's listvldb format.</summary>
    public string AfsVlLine => $"{Name} RW={Rw} RO={Ro} BK={Bk} SITES={Sites}";
}

/// <summary>Parses what the real <c>vos listvldb</c> / <c>vos examine</c> print for VLDB entries.</summary>
public static class VosListing
{
    private static readonly Regex Id = new(@"(RWrite|ROnly|Backup):\s*(\d+)", RegexOptions.CultureInvariant);
    private static readonly Regex SiteCount = new(@"number of sites -> (\d+)", RegexOptions.CultureInvariant);

    public static List<VosEntry> Parse(string output)
    {
        var entries = new List<VosEntry>();
        string? name = null;
        uint rw = 0, ro = 0, bk = 0;
        int sites = -1;
        var siteLines = new List<string>();
        void Flush()
        {
            if (name is not null) entries.Add(new VosEntry(name, rw, ro, bk, sites, siteLines.ToArray()));
            name = null; rw = ro = bk = 0; sites = -1; siteLines.Clear();
        }
        foreach (var raw in output.Split('\n'))
        {
            string line = raw.TrimEnd();
            if (line.Length == 0) continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                Flush();
                if (line.StartsWith("VLDB entries", StringComparison.Ordinal) || line.StartsWith("Total entries", StringComparison.Ordinal)) continue;
                name = line.Trim();
                continue;
            }
            if (name is null) continue;
            foreach (Match m in Id.Matches(line))
            {
                uint v = uint.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                switch (m.Groups[1].Value) { case "RWrite": rw = v; break; case "ROnly": ro = v; break; default: bk = v; break; }
            }
            var count = SiteCount.Match(line);
            if (count.Success) sites = int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (line.TrimStart().StartsWith("server ", StringComparison.Ordinal)) siteLines.Add(line.Trim());
        }
        Flush();
        return entries;
    }
}
