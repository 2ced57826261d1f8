using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace RxGen.Tests.Shared;

/// <summary>
/// A lock held across test processes (dotnet test runs the test projects in parallel) for resources the machine
/// has once: rpcbind's port 111 and /run/rpcbind.sock, the OpenAFS servers' fixed ports and system files.
/// FileShare.None on Unix is an exclusive advisory lock (flock), which other processes see.
/// </summary>
internal static class MachineLock
{
    public static async Task<FileStream> AcquireAsync(string name, TimeSpan wait)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rxgen-{name}.lock");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < wait)
            {
                await Task.Delay(250);
            }
        }
    }
}
