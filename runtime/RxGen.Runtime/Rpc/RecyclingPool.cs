using System.Threading;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// A small lock-free pool of reusable per-call objects (call contexts): <see cref="TryRent"/> takes one if any is
/// free, <see cref="Return"/> gives it back, and an object returned to a full pool is left to the GC. Holds at most
/// <c>capacity + 1</c> objects, so it never grows with load.
/// </summary>
/// <typeparam name="T">The pooled type.</typeparam>
internal sealed class RecyclingPool<T>
    where T : class
{
    private readonly T?[] _items;
    private T? _first;

    /// <summary>Creates an empty pool.</summary>
    /// <param name="capacity">How many objects it keeps besides the fast-path one.</param>
    public RecyclingPool(int capacity) => _items = new T?[capacity];

    /// <summary>Takes a free object, or null when there is none (the caller then creates one).</summary>
    /// <returns>The object, or null.</returns>
    public T? TryRent()
    {
        T? item = _first;
        if (item is not null && Interlocked.CompareExchange(ref _first, null, item) == item)
        {
            return item;
        }

        T?[] items = _items;
        for (int i = 0; i < items.Length; i++)
        {
            item = items[i];
            if (item is not null && Interlocked.CompareExchange(ref items[i], null, item) == item)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Gives an object back; it must not be used by its last renter any more.</summary>
    /// <param name="item">The object.</param>
    public void Return(T item)
    {
        if (_first is null && Interlocked.CompareExchange(ref _first, item, null) is null)
        {
            return;
        }

        T?[] items = _items;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] is null && Interlocked.CompareExchange(ref items[i], item, null) is null)
            {
                return;
            }
        }
    }
}
