using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AfsVl;

/// <summary>One replica site of a volume: a file server address, a partition and the role there.</summary>
public sealed record VolumeSite(string Server, string Partition, string Type)
{
    /// <summary>The server as rxgen's <c>afs_int32 serverNumber</c>: the IPv4 address in host byte order.</summary>
    public int ServerNumber => AddressCodec.ToServerNumber(Server);

    /// <summary>The partition index (a = 0, b = 1, …, z = 25, aa = 26, …, iv = 254), as in serverPartition.</summary>
    public int PartitionIndex => PartitionNames.ToIndex(Partition);
}

/// <summary>One VLDB entry as the JSON file holds it.</summary>
public sealed record VolumeRecord(string Name, uint Rw, uint Ro, uint Bk, IReadOnlyList<VolumeSite> Sites)
{
    /// <summary>The entry's VLF_* flags, derived from which volumes exist.</summary>
    public int Flags =>
        (Rw != 0 && Sites.Any(s => s.Type == "RW") ? VlFlags.RwExists : 0)
        | (Ro != 0 && Sites.Any(s => s.Type == "RO") ? VlFlags.RoExists : 0)
        | (Bk != 0 ? VlFlags.BackExists : 0);
}

/// <summary>
/// The JSON document: the entries, the file servers that <c>vos listaddrs</c> shows (by IPv4 address), the IPv6
/// addresses of those servers (which only YFSVL GetEndpoints can carry: the VL calls have room for IPv4 only), and the
/// cell name (YFSVL GetCellName).
/// </summary>
public sealed record VolumeDatabaseFile(
    IReadOnlyList<VolumeRecord> Volumes,
    IReadOnlyList<string>? FileServers,
    uint NextVolumeId,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? FileServerIpv6 = null,
    string? Cell = null);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VolumeDatabaseFile))]
internal sealed partial class VolumeDatabaseJson : JsonSerializerContext;

/// <summary>VLF_* entry flags and VLSF_* site flags (vldbint.xg's <c>%#define</c>s).</summary>
public static class VlFlags
{
    public const int RwExists = 0x1000, RoExists = 0x2000, BackExists = 0x4000;
    public const int SiteRo = 0x02, SiteRw = 0x04, SiteBack = 0x08;

    /// <summary>The site flag for a site type (RW, RO, BK).</summary>
    public static int SiteFlag(string type) => type switch
    {
        "RW" => SiteRw,
        "RO" => SiteRo,
        "BK" => SiteBack,
        _ => throw new FormatException($"site type '{type}' is not RW, RO or BK"),
    };

    /// <summary>The site type for a site flag word.</summary>
    public static string SiteType(int flags) =>
        (flags & SiteRw) != 0 ? "RW" : (flags & SiteRo) != 0 ? "RO" : (flags & SiteBack) != 0 ? "BK" : $"0x{flags:x}";
}

/// <summary>AFS partition names: a, b, …, z, aa, …, iv (OpenAFS's volutil naming).</summary>
public static class PartitionNames
{
    /// <summary>Parses "a", "/vicepa" or "vicepa" into the partition index.</summary>
    public static int ToIndex(string name)
    {
        string s = name.StartsWith("/vicep", StringComparison.Ordinal) ? name[6..] : name.StartsWith("vicep", StringComparison.Ordinal) ? name[5..] : name;
        if (s.Length == 1 && s[0] is >= 'a' and <= 'z') return s[0] - 'a';
        if (s.Length == 2 && s[0] is >= 'a' and <= 'i' && s[1] is >= 'a' and <= 'z')
        {
            int index = 26 * (s[0] - 'a' + 1) + (s[1] - 'a');
            if (index <= 254) return index;
        }
        throw new FormatException($"'{name}' is not an AFS partition name (a … iv, or /vicepa …)");
    }

    /// <summary>The /vicepX path for a partition index.</summary>
    public static string ToPath(int index) =>
        index is < 0 or > 254 ? $"partition#{index}"
        : index < 26 ? "/vicep" + (char)('a' + index)
        : "/vicep" + (char)('a' + index / 26 - 1) + (char)('a' + index % 26);
}

/// <summary>IPv4 addresses as the VL interface carries them (afs_int32/afs_uint32 in host byte order).</summary>
public static class AddressCodec
{
    public static int ToServerNumber(string address)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
            throw new FormatException($"'{address}' is not an IPv4 address (the VL interface carries IPv4 only)");
        var b = ip.GetAddressBytes();
        return (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
    }

    public static string FromServerNumber(int number) =>
        $"{(number >> 24) & 0xff}.{(number >> 16) & 0xff}.{(number >> 8) & 0xff}.{number & 0xff}";
}

/// <summary>
/// An in-memory VLDB loaded from, and saved back to, a JSON file. Thread-safe: the server's calls run in
/// parallel. Entries keep the order they were created in (their index for ListEntry and the paging of
/// ListAttributesN2).
/// </summary>
public sealed class VolumeDatabase
{
    private readonly object _lock = new();
    private readonly List<VolumeRecord> _volumes;
    private readonly List<string> _fileServers;
    private readonly Dictionary<string, IReadOnlyList<string>> _ipv6;
    private readonly string? _cell;
    private readonly string? _path;
    private uint _nextVolumeId;

    private VolumeDatabase(VolumeDatabaseFile file, string? path)
    {
        _path = path;
        _volumes = new List<VolumeRecord>();
        foreach (var volume in file.Volumes ?? Array.Empty<VolumeRecord>()) Validate(volume);
        _volumes.AddRange(file.Volumes ?? Array.Empty<VolumeRecord>());
        var duplicate = _volumes.GroupBy(v => v.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new FormatException($"volume name '{duplicate.Key}' appears twice");
        _fileServers = (file.FileServers ?? _volumes.SelectMany(v => v.Sites).Select(s => s.Server).Distinct().ToList()).ToList();
        foreach (var server in _fileServers) AddressCodec.ToServerNumber(server);
        _ipv6 = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (server, addresses) in file.FileServerIpv6 ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (!_fileServers.Contains(server)) throw new FormatException($"fileServerIpv6: '{server}' is not one of the file servers");
            foreach (var address in addresses ?? Array.Empty<string>())
            {
                if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
                    throw new FormatException($"fileServerIpv6: '{address}' (of {server}) is not an IPv6 address");
            }
            _ipv6[server] = (addresses ?? Array.Empty<string>()).ToList();
        }
        _cell = file.Cell;
        uint maxId = _volumes.SelectMany(v => new[] { v.Rw, v.Ro, v.Bk }).DefaultIfEmpty(0u).Max();
        _nextVolumeId = Math.Max(file.NextVolumeId, Math.Max(maxId + 1, 536870912u));
    }

    /// <summary>Loads <paramref name="path"/>; a missing file is an empty database that <see cref="Save"/> creates.</summary>
    public static VolumeDatabase Load(string path)
    {
        if (!File.Exists(path)) return new VolumeDatabase(new VolumeDatabaseFile(Array.Empty<VolumeRecord>(), null, 0), path);
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize(stream, VolumeDatabaseJson.Default.VolumeDatabaseFile)
            ?? throw new FormatException($"{path}: empty JSON document");
        return new VolumeDatabase(file, path);
    }

    /// <summary>A database that is not backed by a file.</summary>
    public static VolumeDatabase InMemory(IEnumerable<VolumeRecord> volumes) =>
        new(new VolumeDatabaseFile(volumes.ToList(), null, 0), null);

    /// <summary>A snapshot of the entries, in index order.</summary>
    public IReadOnlyList<VolumeRecord> Volumes { get { lock (_lock) return _volumes.ToList(); } }

    /// <summary>A snapshot of the file server addresses, in index order (index 1 is the first).</summary>
    public IReadOnlyList<string> FileServers { get { lock (_lock) return _fileServers.ToList(); } }

    /// <summary>The IPv6 addresses of the file server with IPv4 address <paramref name="server"/> (none unless the file lists some).</summary>
    public IReadOnlyList<string> Ipv6Of(string server)
    {
        lock (_lock) return _ipv6.TryGetValue(server, out var addresses) ? addresses : Array.Empty<string>();
    }

    /// <summary>The cell name the file gives (<c>"cell"</c>), or null.</summary>
    public string? Cell => _cell;

    public VolumeRecord? FindByName(string name)
    {
        lock (_lock) return _volumes.FirstOrDefault(v => v.Name == name);
    }

    /// <summary>Finds the entry holding volume <paramref name="id"/> as <paramref name="volumeType"/> (0 RW, 1 RO, 2 BK; -1 any).</summary>
    public VolumeRecord? FindById(uint id, int volumeType)
    {
        lock (_lock)
        {
            return _volumes.FirstOrDefault(v => volumeType switch
            {
                0 => v.Rw == id,
                1 => v.Ro == id,
                2 => v.Bk == id,
                _ => id != 0 && (v.Rw == id || v.Ro == id || v.Bk == id),
            });
        }
    }

    /// <summary>
    /// The entries from index <paramref name="start"/> on that match, at most <paramref name="limit"/>, and the
    /// index to continue from (-1 at the end).
    /// </summary>
    public (List<VolumeRecord> Page, int Next) List(Func<VolumeRecord, bool> match, int start, int limit)
    {
        lock (_lock)
        {
            var page = new List<VolumeRecord>();
            int i = Math.Max(start, 0);
            for (; i < _volumes.Count; i++)
            {
                if (!match(_volumes[i])) continue;
                if (page.Count == limit) return (page, i);
                page.Add(_volumes[i]);
            }
            return (page, -1);
        }
    }

    /// <summary>Adds an entry; false when its name or one of its ids is taken.</summary>
    public bool TryAdd(VolumeRecord volume)
    {
        Validate(volume);
        lock (_lock)
        {
            if (_volumes.Any(v => v.Name == volume.Name)) return false;
            foreach (uint id in new[] { volume.Rw, volume.Ro, volume.Bk }.Where(id => id != 0))
                if (_volumes.Any(v => v.Rw == id || v.Ro == id || v.Bk == id)) return false;
            _volumes.Add(volume);
            foreach (var site in volume.Sites)
                if (!_fileServers.Contains(site.Server)) _fileServers.Add(site.Server);
            _nextVolumeId = Math.Max(_nextVolumeId, Math.Max(volume.Rw, Math.Max(volume.Ro, volume.Bk)) + 1);
        }
        Save();
        return true;
    }

    /// <summary>Removes the entry holding <paramref name="id"/>; false when there is none.</summary>
    public bool TryRemove(uint id, int volumeType)
    {
        lock (_lock)
        {
            var volume = FindById(id, volumeType);
            if (volume is null) return false;
            _volumes.Remove(volume);
        }
        Save();
        return true;
    }

    /// <summary>Reserves <paramref name="count"/> new volume ids and returns the first.</summary>
    public uint NewVolumeIds(uint count)
    {
        uint first;
        lock (_lock)
        {
            first = _nextVolumeId;
            _nextVolumeId = checked(_nextVolumeId + count);
        }
        Save();
        return first;
    }

    /// <summary>Writes the database back to its file (atomically: a temporary file, then a rename).</summary>
    public void Save()
    {
        if (_path is null) return;
        VolumeDatabaseFile snapshot;
        lock (_lock) snapshot = new VolumeDatabaseFile(_volumes.ToList(), _fileServers.ToList(), _nextVolumeId, _ipv6.Count == 0 ? null : new Dictionary<string, IReadOnlyList<string>>(_ipv6), _cell);
        string temp = _path + ".tmp";
        using (var stream = File.Create(temp)) JsonSerializer.Serialize(stream, snapshot, VolumeDatabaseJson.Default.VolumeDatabaseFile);
        File.Move(temp, _path, overwrite: true);
    }

    private static void Validate(VolumeRecord volume)
    {
        if (string.IsNullOrEmpty(volume.Name) || System.Text.Encoding.UTF8.GetByteCount(volume.Name) >= 65)
            throw new FormatException($"volume name '{volume.Name}' must have 1 to 64 bytes");
        if (volume.Sites is null || volume.Sites.Count > 13)
            throw new FormatException($"volume '{volume.Name}': 0 to 13 sites (NMAXNSERVERS)");
        foreach (var site in volume.Sites)
        {
            _ = site.ServerNumber;
            _ = site.PartitionIndex;
            _ = VlFlags.SiteFlag(site.Type);
        }
    }
}

/// <summary>The name pattern of ListAttributesN2: empty or ".*" matches every name; otherwise an anchored regex.</summary>
public static class VolumeNamePattern
{
    public static Func<string, bool> Compile(string pattern)
    {
        if (pattern.Length == 0 || pattern == ".*") return _ => true;
        var regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        return name => regex.IsMatch(name);
    }
}
