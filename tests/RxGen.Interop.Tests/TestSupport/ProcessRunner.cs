using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>Runs a program to its end with a timeout (killed, with its children, when it runs over); stdin is closed.</summary>
public static class ProcessRunner
{
    /// <summary>Runs a tool (vos, pts, rxdebug, dotnet an-example.dll, …) with a one-minute timeout.</summary>
    public static Task<(int ExitCode, string Output)> RunToolAsync(string tool, params string[] arguments) =>
        RunAsync(tool, arguments, TimeSpan.FromMinutes(1));

    /// <summary>Runs <paramref name="file"/>; the output is stdout then stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{file} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
