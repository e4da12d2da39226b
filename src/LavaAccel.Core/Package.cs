using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;

namespace LavaAccel;

/// <summary>
/// A <c>.lava</c> package: a tar archive holding <c>manifest.json</c>, the kernels' code —
/// <c>ir/module.bc</c> (LAVA IR, from OpenCL C) or <c>il/kernels.dll</c> (a .NET assembly with
/// ILGPU kernels, from C#) — and <c>src/</c>. Writing is deterministic (fixed order, times, owners and modes), so the same
/// inputs give the same bytes and the same digest.
/// </summary>
public sealed class Package
{
    private const string ManifestEntry = "manifest.json";
    private const string IrEntry = "ir/module.bc";
    private const string IlEntry = "il/kernels.dll";
    private const string SourcePrefix = "src/";
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Creates a package from its parts: <paramref name="code"/> is LAVA IR, or the kernels'
    /// .NET assembly when the manifest's IR format is <see cref="Manifest.IlgpuFormat"/>.
    /// </summary>
    public Package(Manifest manifest, byte[] code, IReadOnlyDictionary<string, byte[]> sources)
    {
        ManifestRules.Check(manifest, manifest.Name ?? "(unnamed)");
        Manifest = manifest;
        Code = code;
        Sources = sources;
        Bytes = Serialize();
        Digest = LavaAccel.Digest.Of(Bytes).ToString();
    }

    private Package(Manifest manifest, byte[] code, IReadOnlyDictionary<string, byte[]> sources, byte[] bytes)
    {
        Manifest = manifest;
        Code = code;
        Sources = sources;
        Bytes = bytes;
        Digest = LavaAccel.Digest.Of(bytes).ToString();
    }

    /// <summary>The kernels' code: LAVA IR or the ILGPU kernels' assembly (see <see cref="IsIlgpu"/>).</summary>
    public byte[] Code { get; }

    /// <summary>Whether the kernels are C# (ILGPU) in a .NET assembly rather than LAVA IR.</summary>
    public bool IsIlgpu => Manifest.IrFormat == Manifest.IlgpuFormat;

    /// <summary>The manifest.</summary>
    public Manifest Manifest { get; }

    /// <summary>LAVA IR: spir64 LLVM bitcode. Throws for a C# (ILGPU) package, which has none.</summary>
    public byte[] Ir => IsIlgpu
        ? throw new LavaException($"package '{Manifest.Name}' holds C# (ILGPU) kernels, not LAVA IR: only ilgpu/* targets compile it")
        : Code;

    /// <summary>The ILGPU kernels' assembly. Throws for an OpenCL C package.</summary>
    public byte[] Il => IsIlgpu
        ? Code
        : throw new LavaException($"package '{Manifest.Name}' holds OpenCL C kernels (LAVA IR), not C#: ilgpu/* targets do not compile it");

    /// <summary>Source files by name.</summary>
    public IReadOnlyDictionary<string, byte[]> Sources { get; }

    /// <summary>The archive's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary><c>sha256:</c> digest of the archive.</summary>
    public string Digest { get; }



    /// <summary>Writes the package to a file (atomically: a reader never sees half a package).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        File.WriteAllBytes(temp, Bytes);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Opens a package file, checking its structure and the digest of its IR.</summary>
    public static Package Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new LavaException($"package '{path}' does not exist");
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses package bytes; <paramref name="origin"/> names them in errors.</summary>
    public static Package Parse(byte[] bytes, string origin)
    {
        Manifest? manifest = null;
        byte[]? ir = null;
        byte[]? il = null;
        var sources = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var reader = new TarReader(new MemoryStream(bytes, writable: false));
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    continue;
                }
                if (!seen.Add(entry.Name))
                {
                    throw new LavaException($"package '{origin}' is corrupted or not a .lava package ({entry.Name} appears twice)");
                }
                var content = ReadAll(entry);
                if (entry.Name == ManifestEntry)
                {
                    manifest = JsonSerializer.Deserialize(content, ManifestJsonContext.Default.Manifest);
                }
                else if (entry.Name == IrEntry)
                {
                    ir = content;
                }
                else if (entry.Name == IlEntry)
                {
                    il = content;
                }
                else if (entry.Name.StartsWith(SourcePrefix, StringComparison.Ordinal))
                {
                    sources[entry.Name[SourcePrefix.Length..]] = content;
                }
            }
        }
        // TarReader also throws OverflowException (numeric header fields out of range) and
        // NotSupportedException (entry types it does not read): both found by fuzzing.
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or JsonException or ArgumentException or OverflowException or NotSupportedException or InvalidOperationException)
        {
            // The reader's own words for JSON (they name the field); a plain account of the archive otherwise.
            var detail = e is JsonException ? e.Message.TrimEnd('.') : "its archive headers are damaged or of a kind lava does not read";
            throw new LavaException($"package '{origin}' is corrupted or not a .lava package ({detail})", e);
        }
        if (manifest is null)
        {
            throw new LavaException($"package '{origin}' is corrupted or not a .lava package (no {ManifestEntry})");
        }
        if (manifest.FormatVersion != Manifest.CurrentFormatVersion)
        {
            throw new LavaException($"package '{origin}' has format version {manifest.FormatVersion}; this lava reads version {Manifest.CurrentFormatVersion}");
        }
        ManifestRules.Check(manifest, origin);
        var codeEntry = manifest.IrFormat == Manifest.IlgpuFormat ? IlEntry : IrEntry;
        var code = codeEntry == IlEntry ? il : ir;
        if ((codeEntry == IlEntry ? ir : il) is not null)
        {
            throw new LavaException($"package '{origin}' is corrupted (it holds both ir/ and il/ code; its manifest says {manifest.IrFormat})");
        }
        if (code is null)
        {
            throw new LavaException($"package '{origin}' is corrupted (no {codeEntry})");
        }
        if (LavaAccel.Digest.Of(code).ToString() != manifest.IrDigest)
        {
            throw new LavaException($"package '{origin}' is corrupted ({codeEntry} does not match the digest in its manifest)");
        }
        return new Package(manifest, code, sources, bytes);
    }

    private static byte[] ReadAll(TarEntry entry)
    {
        if (entry.DataStream is null)
        {
            return [];
        }
        using var buffer = new MemoryStream();
        entry.DataStream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private byte[] Serialize()
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            Add(writer, ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(Manifest, ManifestJsonContext.Default.Manifest));
            Add(writer, IsIlgpu ? IlEntry : IrEntry, Code);
            foreach (var (name, content) in Sources.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                Add(writer, SourcePrefix + name, content);
            }
        }
        return output.ToArray();
    }

    private static void Add(TarWriter writer, string name, byte[] content)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            ModificationTime = FixedTime,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
            DataStream = new MemoryStream(content, writable: false),
        };
        writer.WriteEntry(entry);
    }
}
