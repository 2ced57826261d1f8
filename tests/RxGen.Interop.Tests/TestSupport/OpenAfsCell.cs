using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>
/// A real OpenAFS cell on loopback (tests/peers/afs-cell/start-cell.sh): vlserver on 127.0.0.1:7003 and
/// ptserver on 127.0.0.1:7002, and optionally fileserver 127.1.0.1:7000 and volserver 127.1.0.1:7005 with
/// root.afs on /vicepa (anonymous callers may read and write its root directory), all without
/// authentication, in a fresh temporary state directory.
/// </summary>
/// <remarks>
/// The servers use fixed ports and system files (/var/lib/openafs/local), so only one cell may run on the
/// machine: <see cref="StartAsync"/> first takes the machine-wide lock "openafs-cell" (MachineLock: also across
/// test processes, which <c>dotnet test</c> runs in parallel) and <see cref="DisposeAsync"/> stops the
/// servers it started (by pid) and releases it.
/// </remarks>
public sealed class OpenAfsCell : IAsyncDisposable
{
    public const string CellName = "test.cell";
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    private readonly FileStream _lock;

    private OpenAfsCell(FileStream lockFile, string state, uint rootAfsId)
    {
        _lock = lockFile;
        StateDirectory = state;
        RootAfsId = rootAfsId;
    }

    /// <summary>The RW volume id of root.afs (0 without the file server).</summary>
    public uint RootAfsId { get; }

    /// <summary>The state directory (config in <c>etc/</c>, logs in <c>logs/</c>).</summary>
    public string StateDirectory { get; }

    /// <summary>The client configuration directory (ThisCell, CellServDB) for <c>-config</c>.</summary>
    public string ConfigDirectory => Path.Combine(StateDirectory, "etc");

    public static IPEndPoint VlServer { get; } = new(IPAddress.Loopback, 7003);

    public static IPEndPoint PtServer { get; } = new(IPAddress.Loopback, 7002);

    public static IPEndPoint FileServer { get; } = new(IPAddress.Parse("127.1.0.1"), 7000);

    private static string Scripts => RepoPaths.Combine("tests", "peers", "afs-cell");

    /// <summary>Starts the database servers (vlserver, ptserver), and the file server with root.afs if asked; waits for the lock first.</summary>
    public static async Task<OpenAfsCell> StartAsync(bool withFileServer = false)
    {
        var lockFile = await RxGen.Tests.Shared.MachineLock.AcquireAsync("openafs-cell", LockWait);
        string state = Path.Combine(Path.GetTempPath(), $"rxgen-afs-cell-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var run = await ProcessRunner.RunAsync("bash", [Path.Combine(Scripts, "start-cell.sh"), state, withFileServer ? "--full" : "--db-only"], TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, $"start-cell.sh failed ({run.ExitCode}):\n{run.Output}");
            uint rootAfsId = 0;
            foreach (var line in File.ReadAllLines(Path.Combine(state, "cell.info")))
            {
                if (line.StartsWith("root_afs_id=", StringComparison.Ordinal) && line.Length > 12) rootAfsId = uint.Parse(line[12..]);
            }
            return new OpenAfsCell(lockFile, state, rootAfsId);
        }
        catch
        {
            await ProcessRunner.RunAsync("bash", [Path.Combine(Scripts, "stop-cell.sh"), state], TimeSpan.FromMinutes(2));
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary><c>vos SUBCOMMAND args -noauth -cell test.cell -config …</c>.</summary>
    public Task<(int ExitCode, string Output)> VosAsync(params string[] arguments) =>
        ProcessRunner.RunToolAsync("vos", [.. arguments, "-noauth", "-cell", CellName, "-config", ConfigDirectory]);

    /// <summary><c>pts SUBCOMMAND args -noauth -cell test.cell -config …</c>.</summary>
    public Task<(int ExitCode, string Output)> PtsAsync(params string[] arguments) =>
        ProcessRunner.RunToolAsync("pts", [.. arguments, "-noauth", "-cell", CellName, "-config", ConfigDirectory]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ProcessRunner.RunAsync("bash", [Path.Combine(Scripts, "stop-cell.sh"), StateDirectory], TimeSpan.FromMinutes(2));
            try { Directory.Delete(StateDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        finally
        {
            _lock.Dispose();
        }
    }

}
