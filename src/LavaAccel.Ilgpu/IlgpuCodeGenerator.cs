using System.Text;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace LavaAccel.Ilgpu;

/// <summary>
/// Offline code generation with ILGPU's own backends — no device needed: PTX for an SM, or OpenCL C
/// (2.0) source. Each kernel is compiled on its own; the artifact is the modules one after the other,
/// the first keeping the PTX header.
/// </summary>
public static class IlgpuCodeGenerator
{
    /// <summary>ILGPU's version, part of every ilgpu/* variant key.</summary>
    public static string IlgpuVersion { get; } = typeof(Context).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>The SMs the PTX targets cover.</summary>
    public static IReadOnlyList<int> Sms { get; } = [70, 80, 90];

    /// <summary>PTX for every kernel, for <c>sm_<paramref name="sm"/></c>.</summary>
    public static string Ptx(IlgpuAssembly assembly, int sm)
    {
        var (architecture, instructionSet) = sm switch
        {
            70 => (CudaArchitecture.SM_70, CudaInstructionSet.ISA_60),
            80 => (CudaArchitecture.SM_80, CudaInstructionSet.ISA_70),
            90 => (CudaArchitecture.SM_90, CudaInstructionSet.ISA_78),
            _ => throw new LavaException($"ILGPU PTX for sm_{sm} is not supported here (sm_70, sm_80, sm_90)"),
        };
        using var context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, architecture, instructionSet, null!);
        var output = new StringBuilder();
        foreach (var kernel in assembly.Kernels)
        {
            var ptx = ((PTXCompiledKernel)Compile(backend, kernel, "PTX")).PTXAssembly;
            output.Append(output.Length == 0 ? ptx : WithoutHeader(ptx));
        }
        return output.ToString();
    }

    /// <summary>OpenCL C 2.0 source for every kernel (fp64 and 64-bit atomics enabled, generic address space).</summary>
    public static string OpenClC(IlgpuAssembly assembly)
    {
        using var context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        var capabilities = new CLCapabilityContext(float16: false, float64: true, genericAddressSpace: true, int64_Atomics: true, subGroups: false);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        var output = new StringBuilder();
        foreach (var kernel in assembly.Kernels)
        {
            output.Append(((CLCompiledKernel)Compile(backend, kernel, "OpenCL C")).Source).Append('\n');
        }
        return output.ToString();
    }

    /// <summary>Compiles every kernel for ILGPU's CPU accelerator: what it refuses fails here, at compile time.</summary>
    public static void CheckCpu(IlgpuAssembly assembly)
    {
        using var context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2).CPU(new CPUDevice(4, 1, 1)));
        using var accelerator = context.Devices[0].CreateAccelerator(context);
        foreach (var kernel in assembly.Kernels)
        {
            try
            {
                _ = kernel.IndexKind == IlgpuIndexKind.Explicit ? accelerator.LoadKernel(kernel.Method) : accelerator.LoadAutoGroupedKernel(kernel.Method);
            }
            catch (Exception e) when (e is InternalCompilerException or NotSupportedException or InvalidOperationException or ArgumentException or InvalidCodeGenerationException)
            {
                throw new LavaException($"kernel '{kernel.Name}': ILGPU cannot compile it for its CPU accelerator: {Describe(e)}", e);
            }
        }
    }

    /// <summary>The entry point ILGPU compiles for a kernel.</summary>
    internal static EntryPointDescription EntryPoint(IlgpuKernel kernel) => kernel.IndexKind == IlgpuIndexKind.Explicit
        ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
        : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);

    private static CompiledKernel Compile(Backend backend, IlgpuKernel kernel, string form)
    {
        try
        {
            return backend.Compile(EntryPoint(kernel), KernelSpecialization.Empty);
        }
        catch (Exception e) when (e is InternalCompilerException or NotSupportedException or InvalidOperationException or ArgumentException or InvalidCodeGenerationException)
        {
            throw new LavaException($"kernel '{kernel.Name}': ILGPU cannot generate {form}: {Describe(e)}", e);
        }
    }

    /// <summary>One line for an ILGPU compile error: its message and the innermost cause.</summary>
    internal static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }
        var first = e.Message.Split('\n')[0].Trim().TrimEnd('.');
        var where = e.Message.Split('\n').Skip(1).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("- in method", StringComparison.Ordinal));
        var cause = ReferenceEquals(inner, e) ? "" : $": {inner.Message.Split('\n')[0].Trim().TrimEnd('.')}";
        return where is null ? first + cause : $"{first} ({where[2..]}){cause}";
    }

    private static string WithoutHeader(string ptx) =>
        string.Join('\n', ptx.Split('\n').SkipWhile(l => l.Length == 0 || l.StartsWith("//", StringComparison.Ordinal) || l.StartsWith(".version", StringComparison.Ordinal) || l.StartsWith(".target", StringComparison.Ordinal) || l.StartsWith(".address_size", StringComparison.Ordinal)));
}
