namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// A byte budget shared by every receive queue of one engine: what peers can make us buffer in total, whatever the
/// number of connections and calls they open. A packet that does not fit is dropped with an ACK of reason NOSPACE
/// (the sender retransmits it later).
/// </summary>
internal sealed class RxMemoryBudget(long limit)
{
    public long Limit { get; } = limit;

    public long Used { get; private set; }

    public bool TryReserve(int bytes)
    {
        if (Used + bytes > Limit)
        {
            return false;
        }

        Used += bytes;
        return true;
    }

    public void Return(int bytes) => Used -= bytes;
}
