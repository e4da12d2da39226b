using System.Reflection;
using System.Runtime.Loader;

namespace LavaAccel.Ilgpu;

/// <summary>
/// A package's kernel assembly, checked against <see cref="IlReferencePolicy"/> and loaded into a
/// collectible load context of its own (ILGPU itself comes from lava's context); disposing unloads it.
/// </summary>
public sealed class IlgpuAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private IlgpuAssembly(AssemblyLoadContext context, Assembly assembly, IReadOnlyList<IlgpuKernel> kernels)
    {
        _context = context;
        Assembly = assembly;
        Kernels = kernels;
    }

    /// <summary>The loaded assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>Its kernels: public static void methods of public types, in metadata order.</summary>
    public IReadOnlyList<IlgpuKernel> Kernels { get; }

    /// <summary>Checks and loads an assembly; <paramref name="origin"/> names it in errors.</summary>
    public static IlgpuAssembly Load(byte[] il, string origin)
    {
        IlReferencePolicy.Check(il, origin);
        var context = new AssemblyLoadContext($"lava-ilgpu-{Digest.Of(il).Hex[..12]}", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(il, writable: false));
            var kernels = new List<IlgpuKernel>();
            foreach (var type in assembly.GetExportedTypes())
            {
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
                {
                    if (method.ReturnType != typeof(void))
                    {
                        continue;
                    }
                    var kernel = IlgpuKernel.TryCreate(method, out var why)
                        ?? throw new LavaException($"{origin}: {type.Name}.{method.Name} is public static void but not a kernel: {why} (make helpers private or internal)");
                    if (kernels.Any(k => k.Name == kernel.Name))
                    {
                        throw new LavaException($"{origin}: two kernels are named '{kernel.Name}' (kernel names must be unique across classes)");
                    }
                    kernels.Add(kernel);
                }
            }
            return new IlgpuAssembly(context, assembly, kernels);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or TypeLoadException or ReflectionTypeLoadException)
        {
            context.Unload();
            throw new LavaException($"{origin}: the kernel assembly does not load ({e.Message.TrimEnd('.')})", e);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    /// <summary>The kernel named <paramref name="name"/>, or an error listing the kernels there are.</summary>
    public IlgpuKernel Get(string name) =>
        Kernels.FirstOrDefault(k => k.Name == name)
        ?? throw new LavaException($"the kernel assembly has no kernel '{name}' (kernels: {string.Join(", ", Kernels.Select(k => k.Name))})");

    /// <inheritdoc />
    public void Dispose() => _context.Unload();
}
