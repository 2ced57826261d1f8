using System;

namespace RxGen.Compiler.Model;

/// <summary>
/// The model builder's one table of named values (issue 16: three dictionaries of every name before): a name's value
/// as known so far, and the name's string itself, so that the second pass reuses the first pass's string instead of
/// holding a second copy of every name in the model. Open addressing over parallel arrays (about 17 bytes a slot).
/// </summary>
internal sealed class NameTable
{
    private string?[] _keys = new string?[16];
    private long[] _values = new long[16];
    private bool[] _hasValue = new bool[16];
    private int _count;

    public int Count => _count;

    public bool TryGetValue(string name, out long value)
    {
        var slot = Find(name);
        if (_keys[slot] is not null && _hasValue[slot])
        {
            value = _values[slot];
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>Sets the value of <paramref name="name"/>, adding the name if it is new.</summary>
    public void Set(string name, long value)
    {
        var slot = Add(name);
        _values[slot] = value;
        _hasValue[slot] = true;
    }

    /// <summary>Forgets the value of <paramref name="name"/> (the name stays, for <see cref="Intern"/>).</summary>
    public void ClearValue(string name)
    {
        var slot = Find(name);
        if (_keys[slot] is not null) _hasValue[slot] = false;
    }

    /// <summary>The table's own string for <paramref name="name"/> when it holds the name, else <paramref name="name"/>.</summary>
    public string Intern(string name) => _keys[Find(name)] ?? name;

    private int Add(string name)
    {
        var slot = Find(name);
        if (_keys[slot] is not null) return slot;
        if ((_count + 1) * 4 > _keys.Length * 3)
        {
            Grow();
            slot = Find(name);
        }
        _keys[slot] = name;
        _count++;
        return slot;
    }

    /// <summary>The slot holding <paramref name="name"/>, or the empty slot where it would go.</summary>
    private int Find(string name)
    {
        var mask = _keys.Length - 1;
        var slot = StringComparer.Ordinal.GetHashCode(name) & mask;
        while (_keys[slot] is { } key && !string.Equals(key, name, StringComparison.Ordinal)) slot = (slot + 1) & mask;
        return slot;
    }

    private void Grow()
    {
        var keys = _keys;
        var values = _values;
        var hasValue = _hasValue;
        _keys = new string?[keys.Length * 2];
        _values = new long[keys.Length * 2];
        _hasValue = new bool[keys.Length * 2];
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is not { } key) continue;
            var slot = Find(key);
            _keys[slot] = key;
            _values[slot] = values[i];
            _hasValue[slot] = hasValue[i];
        }
    }
}
