using System.Text;

namespace LavaAccel.Tests;

/// <summary>The <c>.lava</c> archive: round trips, and every kind of damage reported as such.</summary>
public sealed class PackageFormatTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private const string Saxpy = """
        __kernel void saxpy(float a, __global const float* x, __global float* y)
        {
            size_t i = get_global_id(0);
            y[i] = a * x[i] + y[i];
        }
        """;

    private PackedSource Packed => workspace.Pack("saxpy.cl", Saxpy);

    // Offset of the LLVM bitcode magic ('BC' 0xC0DE) inside the archive: the data of ir/module.bc.
    private static int IrOffset(byte[] archive)
    {
        ReadOnlySpan<byte> magic = [(byte)'B', (byte)'C', 0xC0, 0xDE];
        var offset = archive.AsSpan().IndexOf(magic);
        Assert.True(offset > 0, "no bitcode found in the package");
        return offset;
    }

    [Fact]
    public void Save_then_Load_keeps_digest_manifest_and_IR()
    {
        var original = Packed.Package;
        var path = Path.Combine(workspace.Root, "roundtrip.lava");
        original.Save(path);
        var loaded = Package.Load(path);
        Assert.Equal(original.Digest, loaded.Digest);
        Assert.Equal(original.Bytes, File.ReadAllBytes(path));
        Assert.Equal(original.Ir, loaded.Ir);
        Assert.Equal(original.Manifest.IrDigest, loaded.Manifest.IrDigest);
        Assert.Equal("saxpy", Assert.Single(loaded.Manifest.Kernels).Name);
        Assert.Equal(original.Manifest.Kernels[0].ToString(), loaded.Manifest.Kernels[0].ToString());
        Assert.Equal(Saxpy, Encoding.UTF8.GetString(loaded.Sources["saxpy.cl"]));
        // Re-serialising what was loaded gives the same bytes again.
        Assert.Equal(original.Digest, new Package(loaded.Manifest, loaded.Ir, loaded.Sources).Digest);
    }

    [Fact]
    public void Save_leaves_no_temporary_file_behind()
    {
        var directory = Directory.CreateDirectory(Path.Combine(workspace.Root, "save-" + Guid.NewGuid().ToString("N")));
        Packed.Package.Save(Path.Combine(directory.FullName, "p.lava"));
        Assert.Equal(["p.lava"], directory.GetFiles().Select(f => f.Name));
    }

    [Theory]
    [InlineData("in the first header")]
    [InlineData("inside the manifest")]
    [InlineData("inside the IR")]
    [InlineData("just after the IR starts")]
    public void Truncated_package_is_reported_as_corrupted(string where)
    {
        var bytes = Packed.Package.Bytes;
        var length = where switch
        {
            "in the first header" => 100,
            "inside the manifest" => 512 + 40,
            "inside the IR" => IrOffset(bytes) + 200,
            _ => IrOffset(bytes) + 4,
        };
        var error = Assert.Throws<LavaException>(() => Package.Parse(bytes[..length], "cut.lava"));
        Assert.Contains("cut.lava", error.Message);
        Assert.Contains("corrupted", error.Message);
    }

    [Fact]
    public void Flipped_byte_in_the_IR_fails_the_digest_check()
    {
        var bytes = (byte[])Packed.Package.Bytes.Clone();
        bytes[IrOffset(bytes) + 300] ^= 0x5a;
        var error = Assert.Throws<LavaException>(() => Package.Parse(bytes, "flipped.lava"));
        Assert.Contains("flipped.lava", error.Message);
        Assert.Contains("corrupted", error.Message);
        Assert.Contains("ir/module.bc", error.Message);
        Assert.Contains("digest", error.Message);
    }

    [Fact]
    public void Flipped_byte_in_an_entry_header_is_reported_as_corrupted()
    {
        var bytes = (byte[])Packed.Package.Bytes.Clone();
        bytes[10] ^= 0x20; // inside the name of the first entry: the header checksum no longer matches
        var error = Assert.Throws<LavaException>(() => Package.Parse(bytes, "header.lava"));
        Assert.Contains("corrupted", error.Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("zeros")]
    [InlineData("empty")]
    public void File_that_is_not_a_package_is_reported_as_such(string kind)
    {
        var bytes = kind switch
        {
            "text" => Encoding.UTF8.GetBytes("__kernel void k(__global int* o) { o[0] = 1; }\n"),
            "random" => RandomBytes(8192),
            "zeros" => new byte[4096],
            _ => [],
        };
        var path = workspace.WriteFile("notapackage.lava", bytes);
        var error = Assert.Throws<LavaException>(() => Package.Load(path));
        Assert.Contains("notapackage.lava", error.Message);
        Assert.Contains("not a .lava package", error.Message);
    }

    [Fact]
    public void Missing_package_file_is_named()
    {
        var error = Assert.Throws<LavaException>(() => Package.Load(Path.Combine(workspace.Root, "absent.lava")));
        Assert.Contains("absent.lava", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Package_from_a_newer_format_version_is_refused()
    {
        var package = Packed.Package;
        var future = new Package(package.Manifest with { FormatVersion = Manifest.CurrentFormatVersion + 1 }, package.Ir, package.Sources);
        var error = Assert.Throws<LavaException>(() => Package.Parse(future.Bytes, "future.lava"));
        Assert.Contains($"format version {Manifest.CurrentFormatVersion + 1}", error.Message);
    }

    [Fact]
    public void Package_without_kernels_is_refused()
    {
        var package = Packed.Package;
        // Neither made (pack) nor read (a hand-made file).
        Assert.Contains("no kernels", Assert.Throws<LavaException>(() => new Package(package.Manifest with { Kernels = [] }, package.Ir, package.Sources)).Message);
        var manifest = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(package.Manifest with { Kernels = [] }, ManifestJsonContext.Default.Manifest));
        var error = Assert.Throws<LavaException>(() => Package.Parse(Security.HandMadePackages.WithManifest(package, manifest), "empty.lava"));
        Assert.Contains("no kernels", error.Message);
    }

    [Fact]
    public void Unknown_kernel_lookup_lists_the_kernels_there_are()
    {
        var error = Assert.Throws<LavaException>(() => Packed.Package.Manifest.GetKernel("sgemm"));
        Assert.Contains("'sgemm'", error.Message);
        Assert.Contains("kernels: saxpy", error.Message);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
