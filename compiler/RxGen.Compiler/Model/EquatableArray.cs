using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace RxGen.Compiler.Model;

/// <summary>An immutable array with value equality, so that model records compare structurally
/// (the incremental generator relies on it to cache stages).</summary>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly T[]? _items;

    public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    private EquatableArray(T[] items, bool _) => _items = items;

    /// <summary>Wraps <paramref name="items"/> without a copy: the caller gives it up.</summary>
    internal static EquatableArray<T> Adopt(T[] items) => new(items, true);

    public static EquatableArray<T> Empty => new(Array.Empty<T>());

    public int Count => _items?.Length ?? 0;
    public T this[int index] => (_items ?? Array.Empty<T>())[index];

    public bool Equals(EquatableArray<T> other) => Items.SequenceEqual(other.Items);
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);
    public override int GetHashCode()
    {
        unchecked
        {
            var hash = 17;
            foreach (var item in Items) hash = hash * 31 + (item is null ? 0 : EqualityComparer<T>.Default.GetHashCode(item));
            return hash;
        }
    }

    private T[] Items => _items ?? Array.Empty<T>();
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
}

public static class EquatableArrayExtensions
{
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new(items);
}


/// <summary>A growable array whose final <see cref="ToEquatableArray"/> takes the array itself when it is full
/// (no copy): the model builder sizes it from its first pass, so a model of millions of definitions is not held
/// twice at the end (a <c>List</c> and its <c>ToArray</c> copy), nor grown by doubling.</summary>
internal sealed class ArrayBuilder<T> : IEnumerable<T>
{
    private T[] _items = Array.Empty<T>();
    private int _count;

    public int Count => _count;

    /// <summary>Makes room for at least <paramref name="capacity"/> items.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length) Array.Resize(ref _items, capacity);
    }

    public void Add(T item)
    {
        if (_count == _items.Length) Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
        _items[_count++] = item;
    }

    /// <summary>The items as an <see cref="EquatableArray{T}"/>; the builder is empty after.</summary>
    public EquatableArray<T> ToEquatableArray()
    {
        if (_count != _items.Length) Array.Resize(ref _items, _count);
        var result = EquatableArray<T>.Adopt(_items);
        _items = Array.Empty<T>();
        _count = 0;
        return result;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < _count; i++) yield return _items[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
