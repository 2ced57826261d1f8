using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>The hex pinned in tests/peers/SAMPLES.md: each block follows a <c>&lt;!-- hex: KEY --&gt;</c> marker.</summary>
internal static partial class SamplesDocument
{
    private static readonly object Lock = new();
    private static IReadOnlyDictionary<string, string>? _blocks;

    public static string PathOnDisk => RepoPaths.Combine("tests", "peers", "SAMPLES.md");

    /// <summary>The pinned hex of <paramref name="key"/> (e.g. "onc 3", "afs 1", "bench").</summary>
    public static string PinnedHex(string key)
    {
        IReadOnlyDictionary<string, string> blocks = Blocks();
        Assert.True(blocks.ContainsKey(key), $"SAMPLES.md has no '<!-- hex: {key} -->' block (found: {string.Join(", ", blocks.Keys)})");
        return blocks[key];
    }

    private static IReadOnlyDictionary<string, string> Blocks()
    {
        lock (Lock)
        {
            if (_blocks is null)
            {
                var blocks = new Dictionary<string, string>();
                foreach (Match m in HexBlock().Matches(File.ReadAllText(PathOnDisk)))
                {
                    blocks.Add(m.Groups["key"].Value, m.Groups["hex"].Value);
                }

                _blocks = blocks;
            }

            return _blocks;
        }
    }

    [GeneratedRegex(@"<!--\s*hex:\s*(?<key>[a-z]+(?: \d+)?)\s*-->\s*```\s*(?<hex>[0-9a-f]+)\s*```")]
    private static partial Regex HexBlock();
}
