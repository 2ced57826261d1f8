using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace RxGen.Build.Tests;

internal static class Processes
{
    /// <summary>Runs a program to completion (killed after <paramref name="timeout"/>), returning exit code and output.</summary>
    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null) foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {timeout}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The packed packages (dotnet pwsh build.ps1 pack, which scripts/test.sh runs before the tests).</summary>
    public static string Packages()
    {
        var folder = Repo.PathOf("artifacts/packages");
        Assert.True(File.Exists(Path.Combine(folder, "RxGen.Build.0.1.0.nupkg")) && File.Exists(Path.Combine(folder, "RxGen.Tool.0.1.0.nupkg")),
            $"no packages in {folder}: run 'dotnet pwsh build.ps1 pack' (scripts/test.sh does) before these tests");
        return folder;
    }
}
