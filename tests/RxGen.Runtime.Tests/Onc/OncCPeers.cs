using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>
/// The rpcgen + libtirpc peers of tests/peers/onc-rpc, built by tests/peers/build.sh into tests/peers/build.
/// A missing peer fails the test with the command that builds it (these tests never skip).
/// </summary>
internal static class OncCPeers
{
    public const string Server = "calc_server";
    public const string Client = "calc_client";
    public const string RpcBindLauncher = "rpcbind_loopback";
    public const string BuildCommand = "bash tests/peers/build.sh tests/peers/build";

    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RxGen.sln not found above " + AppContext.BaseDirectory);
    });

    public static string PathOf(string name)
    {
        string path = Path.Combine(Root.Value, "tests", "peers", "build", name);
        if (!File.Exists(path))
        {
            Assert.Fail($"C peer '{name}' not found at {path}. Build the peers from the repository root with '{BuildCommand}'.");
        }

        return path;
    }

    /// <summary>Runs a program to its end (killed after 15 s): exit code and standard output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + path);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail($"{path} {string.Join(' ', arguments)} did not finish in 15 s");
        }

        return (process.ExitCode, (await output).Trim() + (await error is { Length: > 0 } e ? "\n[stderr] " + e.Trim() : ""));
    }

    /// <summary>calc_client HOST PORT tcp|udp OP ARGS...: its one output line.</summary>
    public static async Task<string> CallAsync(IPEndPoint server, bool udp, bool authSys, params string[] operation)
    {
        var arguments = new List<string>();
        if (authSys)
        {
            arguments.Add("-a");
        }

        arguments.AddRange([server.Address.ToString(), server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), udp ? "udp" : "tcp"]);
        arguments.AddRange(operation);
        return (await RunAsync(PathOf(Client), arguments.ToArray())).Output;
    }
}

/// <summary>A running background process started by a test; disposing kills it (by its PID only).</summary>
internal sealed class PeerProcess : IDisposable
{
    private PeerProcess(Process process, string firstLine)
    {
        Process = process;
        FirstLine = firstLine;
    }

    public Process Process { get; }

    public string FirstLine { get; }

    /// <summary>Starts a process; with <paramref name="waitForLine"/>, waits (up to 10 s) for its first line of output.</summary>
    public static async Task<PeerProcess> StartAsync(string path, bool waitForLine, params string[] arguments)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + path);
        string line = "";
        if (waitForLine)
        {
            try
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) ?? "";
            }
            catch
            {
                Kill(process);
                throw;
            }
        }

        return new PeerProcess(process, line);
    }

    /// <summary>calc_server's "tcp=P udp=Q" line.</summary>
    public (IPEndPoint Tcp, IPEndPoint Udp) CalcEndPoints()
    {
        Match m = Regex.Match(FirstLine, @"^tcp=(\d+) udp=(\d+)$");
        Assert.True(m.Success, $"calc_server printed '{FirstLine}'");
        return (new IPEndPoint(IPAddress.Loopback, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)),
                new IPEndPoint(IPAddress.Loopback, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>SIGTERM (a clean stop), then a kill if it is still there after 5 s.</summary>
    public async Task TerminateAsync()
    {
        if (!Process.HasExited)
        {
            using (Process kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            try
            {
                await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                Kill(Process);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (Win32Exception)
        {
        }
    }

    public void Dispose()
    {
        Kill(Process);
        Process.Dispose();
    }
}
