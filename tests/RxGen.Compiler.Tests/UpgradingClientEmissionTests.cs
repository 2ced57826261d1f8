using System.Linq;
using Xunit;

namespace RxGen.Compiler.Tests;

/// <summary>The generated <c>&lt;Shadow&gt;UpgradingClient</c>: which opcodes it routes, and that it compiles.</summary>
public class UpgradingClientEmissionTests
{
    private const string Pair =
        "package VL_\nserviceid 52;\nGetCapabilities(OUT afs_int32 caps<196>) = 65537;\n" +
        "Same(IN afs_int32 a, OUT afs_int32 b) = 1;\nWider(IN afs_int32 a) = 2;\nTwo(IN afs_int32 state, OUT afs_int32 x, OUT afs_int32 y) = 3;\nNothing() = 4;\n" +
        "Three(OUT afs_int32 x, OUT afs_int32 y) = 6;\n" +
        "package YFSVL_\nserviceid 2503;\nshadowof VL_;\nGetCapabilities(OUT afs_int32 caps<196>) = 65537;\n" +
        "Same(IN afs_int32 a, OUT afs_int32 b) = 1;\nWider(IN afs_int64 a) = 2;\nTwo(IN afs_int32 upgraded, OUT afs_int32 p, OUT afs_int32 q) = 3;\nNothing() = 4;\nExtra() = 5;\n" +
        "Three(OUT afs_int32 x, OUT afs_int64 y) = 6;\n";

    [Fact]
    public void RoutesOpcodesWithTheSameArgumentsAndReplies()
    {
        var result = Idl.Compile(Pair);
        Assert.True(result.Success, Idl.Errors(result));
        GeneratedCodeCompilesTests.AssertCompiles(result);
        var text = string.Concat(result.Files.Select(f => f.Text));
        var start = text.IndexOf("sealed partial class YFSVLUpgradingClient", System.StringComparison.Ordinal);
        Assert.True(start >= 0, "no YFSVLUpgradingClient");
        var body = text[start..];

        Assert.Contains("public async global::System.Threading.Tasks.Task<int> SameAsync(int a, global::System.Threading.CancellationToken cancellationToken = default)", body);
        Assert.Contains("public async global::System.Threading.Tasks.Task NothingAsync(global::System.Threading.CancellationToken cancellationToken = default)", body);
        Assert.Contains("GetCapabilitiesAsync(global::System.Threading.CancellationToken", body);
        Assert.DoesNotContain(" WiderAsync(", body);   // afs_int32 vs afs_int64
        // VLTwoResult and YFSVLTwoResult have the same field types: the shadow's record is converted.
        Assert.Contains("public async global::System.Threading.Tasks.Task<VLTwoResult> TwoAsync(int state_, global::System.Threading.CancellationToken cancellationToken = default)", body);
        Assert.Contains("var r = await upgraded.TwoAsync(state_, cancellationToken).ConfigureAwait(false);", body);
        Assert.Contains("return new VLTwoResult(r.P, r.Q);", body);
        Assert.DoesNotContain(" ThreeAsync(", body);   // (int, int) vs (int, long)
        Assert.DoesNotContain(" ExtraAsync(", body);   // shadow only: through Upgraded
        Assert.Contains("Opcodes not routed (split, or different argument or reply types in the shadow): <c>VL_Wider</c> (2), <c>VL_Three</c> (6);", text);
        Assert.Contains("public VLClient? Original", body);
        Assert.Contains("public YFSVLClient? Upgraded", body);
    }

    [Fact]
    public void NoUpgradingClientWithoutAShadowOrWithoutClients()
    {
        var plain = Idl.Compile("package VL_\nserviceid 52;\nFoo(IN afs_int32 a) = 1;\n");
        Assert.True(plain.Success, Idl.Errors(plain));
        Assert.DoesNotContain("UpgradingClient", string.Concat(plain.Files.Select(f => f.Text)));
    }
}
