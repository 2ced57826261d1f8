using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace RxGen.Runtime.Onc;

/// <summary>
/// Runs an <see cref="OncServer"/> as a .NET host's service: the host's start starts it, and the host's
/// stop stops it cleanly (calls in flight finish until the host's shutdown timeout, then are cancelled).
/// </summary>
/// <example><c>services.AddSingleton(server); services.AddHostedService(sp =&gt; new OncServerHostedService(sp.GetRequiredService&lt;OncServer&gt;()));</c></example>
public sealed class OncServerHostedService : IHostedService
{
    /// <summary>Wraps a server whose listeners are added.</summary>
    /// <param name="server">The server.</param>
    public OncServerHostedService(OncServer server) => Server = server ?? throw new ArgumentNullException(nameof(server));

    /// <summary>The server.</summary>
    public OncServer Server { get; }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Server.StartAsync(cancellationToken);

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Server.StopAsync(cancellationToken);
}
