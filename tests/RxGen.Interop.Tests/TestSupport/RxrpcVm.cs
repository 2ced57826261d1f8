using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>
/// The Linux AF_RXRPC test VM (tests/peers/rxrpc-vm): Debian's kernel and a busybox initramfs with
/// <c>rxrpc-echo</c>, booted in qemu (software emulation) with user-mode networking, so that the guest
/// reaches only the host's loopback (10.0.2.2 in the guest = 127.0.0.1 on the host).
/// </summary>
public static class RxrpcVm
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static string? _built;

    private static string Scripts => RepoPaths.Combine("tests", "peers", "rxrpc-vm");

    /// <summary>Builds the kernel and initramfs once per test run (tests/peers/build/rxrpc-vm).</summary>
    public static async Task<string> EnsureBuiltAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            if (_built is not null) return _built;
            string output = RepoPaths.Combine("tests", "peers", "build", "rxrpc-vm");
            var run = await ProcessRunner.RunAsync("bash", [Path.Combine(Scripts, "build-vm.sh"), output], TimeSpan.FromMinutes(5));
            Assert.True(run.ExitCode == 0, $"build-vm.sh failed ({run.ExitCode}):\n{run.Output}");
            return _built = output;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    /// <summary>
    /// Boots the VM, runs <paramref name="commands"/> (';'-separated guest shell commands), and returns the
    /// console output once the guest powers off.
    /// </summary>
    public static async Task<string> RunAsync(string commands, params int[] forwardedPorts)
    {
        string built = await EnsureBuiltAsync();
        var arguments = new List<string> { Path.Combine(Scripts, "run-vm.sh"), built, commands };
        foreach (int port in forwardedPorts) arguments.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var run = await ProcessRunner.RunAsync("bash", arguments, TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, $"run-vm.sh failed ({run.ExitCode}):\n{run.Output}");
        Assert.Contains("VM: done", run.Output);
        return run.Output;
    }

    /// <summary>
    /// Boots the VM in the background (for a server in the guest, reached through <paramref name="forwardedPorts"/>
    /// on the host's 127.0.0.1). Dispose it to stop the VM (by its PID).
    /// </summary>
    public static async Task<RunningVm> StartAsync(string commands, params int[] forwardedPorts)
    {
        string built = await EnsureBuiltAsync();
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(Scripts, "run-vm.sh"), built, commands }) start.ArgumentList.Add(a);
        foreach (int port in forwardedPorts) start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["RXGEN_VM_TIMEOUT"] = "180";
        return new RunningVm(Process.Start(start)!);
    }

    /// <summary>A VM started by <see cref="StartAsync"/>: its console, line by line.</summary>
    public sealed class RunningVm : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _console = new();
        private readonly object _lock = new();

        internal RunningVm(Process process)
        {
            _process = process;
            _process.StandardInput.Close();
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _console.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _console.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Console { get { lock (_lock) return _console.ToString(); } }

        /// <summary>Waits until the console shows <paramref name="text"/>.</summary>
        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (!Console.Contains(text, StringComparison.Ordinal))
            {
                Assert.True(deadline.Elapsed < timeout && !_process.HasExited, $"the VM did not print '{text}' within {timeout.TotalSeconds} s:\n{Console}");
                await Task.Delay(200);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
