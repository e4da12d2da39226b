using System.Formats.Tar;
using LavaAccel.Backends;
using LavaAccel.Llvm;
using LavaAccel.Execution;

namespace LavaAccel.Fuzz;

/// <summary>
/// What the fuzzers feed: the places where bytes from anyone enter lava. Each target may refuse
/// its input only with a <see cref="LavaException"/> (a clear error); any other exception, a hang
/// or a crash is a finding. The same targets replay the corpus and past crashers in the tests.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The targets by name.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["package"] = PackageReader,
        ["manifest"] = ManifestParser,
        ["npy"] = NpyReader,
        ["bitcode"] = BitcodeIntake,
    };

    /// <summary>A whole <c>.lava</c> file, as <c>lava inspect</c> and an upload read it.</summary>
    public static void PackageReader(byte[] input) => Refusing(() => Package.Parse(input, "fuzz.lava"));

    /// <summary>A <c>manifest.json</c>, in a package whose code matches the digest it names.</summary>
    public static void ManifestParser(byte[] input) => Refusing(() => Package.Parse(Tar(("manifest.json", input), ("ir/module.bc", [0x42, 0x43])), "fuzz.lava"));

    /// <summary>A NumPy file given as <c>--arg x=@FILE.npy</c> or uploaded with a job.</summary>
    public static void NpyReader(byte[] input) => Refusing(() => NpyArray.Parse(input, "fuzz.npy"));

    /// <summary>LAVA IR as the compile worker takes it in: parsed, audited and held against the manifest.</summary>
    public static void BitcodeIntake(byte[] input) => Refusing(() =>
    {
        var manifest = new Manifest
        {
            Name = "fuzz",
            IrFormat = "spir64-unknown-unknown/llvm-15",
            IrDigest = Digest.Of(input).ToString(),
            LanguageVersion = "CL1.2",
            Kernels = [new KernelSignature("k", [new KernelArgument("x", "float*", AddressSpace.Global, ScalarType.Float, 1, false, true)])],
        };
        using var context = new LlvmContext();
        using var module = PackageIr.Open(context, new Package(manifest, input, new Dictionary<string, byte[]>()));
    });

    private static void Refusing(Action action)
    {
        try
        {
            action();
        }
        catch (LavaException)
        {
            // a clear refusal is the expected outcome for bad input
        }
    }

    private static byte[] Tar(params (string Name, byte[] Bytes)[] entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            }
        }
        return stream.ToArray();
    }
}
