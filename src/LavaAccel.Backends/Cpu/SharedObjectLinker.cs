using LavaAccel.Host;
using System.Diagnostics;

namespace LavaAccel.Backends.Cpu;

/// <summary>Links a kernel object with the host runtime into a shared object, with ld.lld-19.</summary>
internal static class SharedObjectLinker
{
    private const string Linker = "ld.lld-19";

    // Code generation may call compiler support routines (e.g. __truncsfhf2 for half on CPUs
    // without F16C); GCC's static libgcc provides them for x86-64.
    private static string[] CompilerSupportLibrary()
    {
        const string root = "/usr/lib/gcc/x86_64-linux-gnu";
        if (!Directory.Exists(root))
        {
            return [];
        }
        var library = Directory.GetDirectories(root).Select(d => Path.Combine(d, "libgcc.a")).Where(File.Exists).Order(StringComparer.Ordinal).LastOrDefault();
        return library is null ? [] : [library];
    }

    internal static byte[] Link(byte[] kernelObject, string arch, string workDirectory)
    {
        var objectPath = Path.Combine(workDirectory, "kernel.o");
        var output = Path.Combine(workDirectory, "variant.so");
        File.WriteAllBytes(objectPath, kernelObject);
        var libDir = arch == "x86_64" ? "/lib/x86_64-linux-gnu" : "/usr/aarch64-linux-gnu/lib";
        string[] args =
        [
            "-shared", "--gc-sections", "-O2", "--hash-style=gnu", "--build-id=none", "-z", "noexecstack", "-z", "now",
            "-o", output, objectPath, NativeRuntime.HostObject(arch),
            "--as-needed", Path.Combine(libDir, "libm.so.6"),
            .. arch == "x86_64" ? [Path.Combine(libDir, "libmvec.so.1"), .. CompilerSupportLibrary()] : Array.Empty<string>(),
            "--no-as-needed", Path.Combine(libDir, "libc.so.6"),
        ];
        ToolProcess.Run(Linker, args, $"linking the {arch} variant");
        return File.ReadAllBytes(output);
    }
}
