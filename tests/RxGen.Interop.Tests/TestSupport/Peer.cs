using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>The outcome of one run of a C peer.</summary>
internal sealed record PeerRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The single line of hex the peer printed.</summary>
    public string Hex => StandardOutput.Trim();
}

/// <summary>
/// Runs the C reference peers of tests/peers (built by tests/peers/build.sh). A missing peer fails the
/// test with the command that builds it: the byte-exact tests never skip.
/// </summary>
internal static class Peer
{
    public const string RichOnc = "rich_onc_peer";
    public const string RichAfs = "rich_afs_peer";
    public const string NestedBench = "nested_bench";

    public const string BuildCommand = "bash tests/peers/build.sh tests/peers/build";

    /// <summary>How long one peer run may take before the test fails.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The peer's path; fails the test when it has not been built.</summary>
    public static string PathOf(string name)
    {
        string path = RepoPaths.Combine("tests", "peers", "build", name);
        if (!File.Exists(path))
        {
            Assert.Fail(
                $"C peer '{name}' not found at {path}. Build the peers from the repository root with " +
                $"'{BuildCommand}' (once per machine first: 'bash scripts/install-peers.sh', as root).");
        }

        return path;
    }

    /// <summary><c>peer encode N</c>: the hex of sample N; fails the test unless the peer succeeds.</summary>
    public static async Task<string> EncodeAsync(string name, int sample)
    {
        PeerRun run = await RunAsync(name, ["encode", sample.ToString(System.Globalization.CultureInfo.InvariantCulture)], stdin: null);
        Assert.True(run.ExitCode == 0, $"{name} encode {sample} exited with {run.ExitCode}: {run.StandardError}");
        Assert.Matches("^[0-9a-f]+$", run.Hex);
        return run.Hex;
    }

    /// <summary><c>peer decode</c> of <paramref name="hex"/>: decoded by the C XDR routine and encoded again.</summary>
    public static Task<PeerRun> DecodeAsync(string name, string hex) => RunAsync(name, ["decode"], hex + "\n");

    /// <summary>Runs the peer with a timeout; the process is killed if it does not finish in time.</summary>
    public static async Task<PeerRun> RunAsync(string name, string[] arguments, string? stdin)
    {
        var start = new ProcessStartInfo(PathOf(name))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"C peer '{name}' could not be started ({ex.Message}); rebuild it with '{BuildCommand}'.");
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"C peer '{name} {string.Join(' ', arguments)}' did not finish within {Timeout.TotalSeconds} s.");
        }

        return new PeerRun(process.ExitCode, await stdout, await stderr);
    }
}
