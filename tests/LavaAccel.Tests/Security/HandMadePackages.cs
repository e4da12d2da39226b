using System.Formats.Tar;
using LavaAccel.Backends.Analysis;
using LavaAccel.Llvm;
using LavaAccel.Toolchain;

namespace LavaAccel.Tests.Security;

/// <summary>
/// Packages made the way an attacker would make them, past <c>lava pack</c>'s checks: OpenCL C
/// compiled by clang straight into a package, or a real package with its manifest replaced.
/// </summary>
internal static class HandMadePackages
{
    /// <summary>Compiles <paramref name="source"/> with lava's clang options and packs the IR without auditing it.</summary>
    public static Package FromOpenCl(string directory, string fileName, string source)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(directory, Guid.NewGuid().ToString("N"))).FullName, fileName);
        File.WriteAllText(path, source);
        var ir = ClangFrontend.Compile(path, "CL1.2", []);
        using var context = new LlvmContext();
        using var module = context.ParseBitcode(ir, fileName);
        var manifest = new Manifest
        {
            Name = Path.GetFileNameWithoutExtension(fileName),
            IrFormat = ClangFrontend.IrFormat,
            IrDigest = Digest.Of(ir).ToString(),
            LanguageVersion = "CL1.2",
            Kernels = KernelSignatureReader.Read(module, fileName),
        };
        return new Package(manifest, ir, new Dictionary<string, byte[]> { [fileName] = System.Text.Encoding.UTF8.GetBytes(source) });
    }

    /// <summary>
    /// LLVM IR written by hand (assembled with llvm-as-19), packed with the signatures its metadata
    /// declares: what clang would never emit, such as attributes that make the code generator call.
    /// </summary>
    public static Package FromLlvmIr(string directory, string name, string ir)
    {
        var dir = Directory.CreateDirectory(Path.Combine(directory, Guid.NewGuid().ToString("N"))).FullName;
        var text = Path.Combine(dir, name + ".ll");
        var bitcode = Path.Combine(dir, name + ".bc");
        File.WriteAllText(text, ir);
        using (var llvmAs = System.Diagnostics.Process.Start("llvm-as-19", [text, "-o", bitcode])!)
        {
            llvmAs.WaitForExit();
            Assert.Equal(0, llvmAs.ExitCode);
        }
        var code = File.ReadAllBytes(bitcode);
        using var context = new LlvmContext();
        using var module = context.ParseBitcode(code, name);
        var manifest = new Manifest
        {
            Name = name,
            IrFormat = Manifest.LavaIrFormat,
            IrDigest = Digest.Of(code).ToString(),
            LanguageVersion = "CL1.2",
            Kernels = KernelSignatureReader.Read(module, name),
        };
        return new Package(manifest, code, new Dictionary<string, byte[]>());
    }

    /// <summary>The bytes of <paramref name="package"/> with its <c>manifest.json</c> replaced by <paramref name="manifestJson"/>.</summary>
    public static byte[] WithManifest(Package package, byte[] manifestJson)
    {
        using var input = new TarReader(new MemoryStream(package.Bytes));
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            while (input.GetNextEntry(copyData: true) is { } entry)
            {
                var copy = new UstarTarEntry(TarEntryType.RegularFile, entry.Name);
                copy.DataStream = entry.Name == "manifest.json" ? new MemoryStream(manifestJson) : entry.DataStream;
                writer.WriteEntry(copy);
            }
        }
        return output.ToArray();
    }
}
