using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// The transport-independent part of an Rx server, shared by every transport that serves calls (the
/// in-memory one, UDP): the services by service id, the service-upgrade pairs, and how a service's
/// outcome becomes the end of a call. Thread-safe; one core may back several transports.
/// </summary>
/// <remarks>
/// <para><b>Outcome of a call</b> (<see cref="ExecuteAsync"/>): the service's return value (0 = send the
/// reply that was written; otherwise abort with that code). A service that throws
/// <see cref="RpcAbortException"/> aborts with its code (<see cref="RxGenErrorCodes.UserAbort"/> if it
/// is 0); an <see cref="OperationCanceledException"/> while the call's token is signalled (the client
/// aborted, or the server stops) aborts with <see cref="RxGenErrorCodes.UserAbort"/>; any other
/// exception aborts with <see cref="RxGenErrorCodes.UserAbort"/> and is reported to
/// <see cref="ServiceFaulted"/>.</para>
/// <para>A transport answers a call to a service id that is not registered with
/// <see cref="RxGenErrorCodes.InvalidOperation"/>, as OpenAFS does.</para>
/// </remarks>
public sealed class RxServerCore
{
    private readonly object _lock = new();
    private readonly Dictionary<ushort, IRxService> _services = new();
    private readonly Dictionary<ushort, ushort> _upgrades = new();

    /// <summary>
    /// Called when a service throws something other than <see cref="RpcAbortException"/> (and other
    /// than cancellation of an aborted call), on the call's thread, before the call is aborted. An
    /// exception thrown by the callback is ignored.
    /// </summary>
    public Action<IRxService, Exception>? ServiceFaulted { get; set; }

    /// <summary>The registered services, in no particular order (a snapshot).</summary>
    public IReadOnlyCollection<IRxService> Services
    {
        get
        {
            lock (_lock)
            {
                return new List<IRxService>(_services.Values);
            }
        }
    }

    /// <summary>Registers a service under its <see cref="IRxService.ServiceId"/>.</summary>
    /// <param name="service">The service.</param>
    /// <exception cref="InvalidOperationException">A service with that id is already registered.</exception>
    public void AddService(IRxService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (!_services.TryAdd(service.ServiceId, service))
            {
                throw new InvalidOperationException($"Service id {service.ServiceId} is already registered ({_services[service.ServiceId].Name}).");
            }
        }
    }

    /// <summary>Registers a service-upgrade pair: probes for <paramref name="from"/> switch to <paramref name="to"/>.</summary>
    /// <param name="from">The requested service id.</param>
    /// <param name="to">The upgraded service id.</param>
    /// <exception cref="InvalidOperationException">Either service is not registered, the ids are equal, or <paramref name="from"/> already has a pair.</exception>
    public void AddUpgrade(ushort from, ushort to)
    {
        lock (_lock)
        {
            if (from == to)
            {
                throw new InvalidOperationException($"An upgrade pair needs two different service ids, not {from} twice.");
            }

            if (!_services.ContainsKey(from) || !_services.ContainsKey(to))
            {
                throw new InvalidOperationException($"Both services of the upgrade pair {from} -> {to} must be added first.");
            }

            if (!_upgrades.TryAdd(from, to))
            {
                throw new InvalidOperationException($"Service id {from} already upgrades to {_upgrades[from]}.");
            }
        }
    }

    /// <summary>Finds the service registered under <paramref name="serviceId"/>.</summary>
    /// <param name="serviceId">The service id.</param>
    /// <param name="service">The service, when found.</param>
    /// <returns>True when a service is registered under that id.</returns>
    public bool TryGetService(ushort serviceId, [NotNullWhen(true)] out IRxService? service)
    {
        lock (_lock)
        {
            return _services.TryGetValue(serviceId, out service);
        }
    }

    /// <summary>Finds the upgrade pair from <paramref name="from"/>: what a connection that asks for an upgrade switches to.</summary>
    /// <param name="from">The requested service id.</param>
    /// <param name="to">The upgraded service id, when there is a pair.</param>
    /// <returns>True when <paramref name="from"/> has an upgrade pair.</returns>
    public bool TryGetUpgrade(ushort from, out ushort to)
    {
        lock (_lock)
        {
            return _upgrades.TryGetValue(from, out to);
        }
    }

    /// <summary>
    /// Runs <paramref name="service"/> on <paramref name="call"/> and turns its outcome into an abort
    /// code (0 = success) as the remarks describe. Never throws for the service's failures.
    /// </summary>
    /// <param name="service">The service.</param>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">The call's token: signalled when the client aborts or the server stops.</param>
    /// <returns>0 to send the reply that was written; otherwise the abort code for the call.</returns>
    public async ValueTask<int> ExecuteAsync(IRxService service, IRxServerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await service.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcAbortException ex)
        {
            return ex.Code == 0 ? RxGenErrorCodes.UserAbort : ex.Code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RxGenErrorCodes.UserAbort;
        }
        catch (Exception ex)
        {
            ReportFault(service, ex);
            return RxGenErrorCodes.UserAbort;
        }
    }

    private void ReportFault(IRxService service, Exception exception)
    {
        try
        {
            ServiceFaulted?.Invoke(service, exception);
        }
        catch (Exception)
        {
            // An observer's failure must not take the call's server side down with it.
        }
    }
}
