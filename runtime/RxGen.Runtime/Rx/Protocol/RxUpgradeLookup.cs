namespace RxGen.Runtime.Rx.Protocol;

/// <summary>Finds the service-upgrade pair for <paramref name="from"/> (see <see cref="RxProtocolEngine.UpgradeLookup"/>).</summary>
/// <param name="from">The service a new connection asked for.</param>
/// <param name="to">The service it upgrades to, when there is a pair.</param>
/// <returns>True when <paramref name="from"/> has an upgrade pair.</returns>
public delegate bool RxUpgradeLookup(ushort from, out ushort to);
