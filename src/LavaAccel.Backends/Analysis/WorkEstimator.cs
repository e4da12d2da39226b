using LavaAccel.Llvm;

namespace LavaAccel.Backends.Analysis;

/// <summary>
/// A static estimate of one work-item's work, from the package's LAVA IR: floating-point operations
/// and bytes loaded from or stored to global and constant memory. Without a launch, loop trip
/// counts are unknown and code inside a loop counts <see cref="LoopWeight"/> times (the history
/// model corrects the estimate once the kernel has run); with one (<see cref="LaunchValues"/>),
/// loops bounded by what the launch fixes count their real trips (<see cref="LoopNest"/>).
/// </summary>
public static class WorkEstimator
{
    /// <summary>How many times code in a loop whose trip count is unknown is assumed to run.</summary>
    public const int LoopWeight = 16;

    private static readonly HashSet<int> FloatOpcodes = [9, 11, 13, 16, 19]; // fadd fsub fmul fdiv frem

    /// <summary>(FLOPs, bytes) per work-item of <paramref name="kernel"/>; (0, 0) when the IR cannot be read or the package has none (C# kernels).</summary>
    public static (double Flops, double Bytes) PerWorkItem(Package package, string kernel)
    {
        var count = PerWorkItem(package, kernel, null);
        return (count.Flops, count.Bytes);
    }

    /// <summary>
    /// (FLOPs, bytes) per work-item of <paramref name="kernel"/> for one launch: loops whose trip
    /// count the launch's <paramref name="values"/> determine count that many times
    /// (<see cref="WorkCount.LoopsResolved"/> says whether all did). Zero for C# kernels.
    /// </summary>
    public static WorkCount PerWorkItem(Package package, string kernel, LaunchValues? values)
    {
        if (package.IsIlgpu)
        {
            return new WorkCount(0, 0, false);
        }
        try
        {
            using var context = new LlvmContext();
            using var module = context.ParseBitcode(package.Ir, "package IR");
            var function = module.Functions.FirstOrDefault(f => f.Name == kernel && !f.IsDeclaration && f.CallingConvention == LlvmCallingConvention.SpirKernel);
            return function.Exists ? Count(module, function, values) : new WorkCount(0, 0, false);
        }
        catch (LlvmException)
        {
            return new WorkCount(0, 0, false);
        }
    }

    private static WorkCount Count(LlvmModule module, LlvmValue function, LaunchValues? values)
    {
        var loops = new LoopNest(function, values);
        double flops = 0, bytes = 0;
        foreach (var block in function.Blocks)
        {
            var weight = loops.Weight(block);
            foreach (var instruction in block.Instructions)
            {
                if (FloatOpcodes.Contains(instruction.Opcode))
                {
                    flops += weight;
                }
                else if (instruction.IsCall && instruction.CalledFunction is { Exists: true } callee)
                {
                    flops += weight * CallFlops(callee.Name);
                }
                else if (instruction.IsLoad && IsGlobal(instruction.Operand(0)))
                {
                    bytes += weight * (double)module.SizeOf(instruction.Type);
                }
                else if (instruction.IsStore && IsGlobal(instruction.Operand(1)))
                {
                    bytes += weight * (double)module.SizeOf(instruction.Operand(0).Type);
                }
            }
        }
        return new WorkCount(flops, bytes, loops.AllResolved);
    }

    // fused multiply-adds count two; libm-style builtins a handful.
    private static double CallFlops(string name) =>
        name.StartsWith("llvm.fmuladd", StringComparison.Ordinal) || name.StartsWith("llvm.fma", StringComparison.Ordinal) ? 2
        : name.StartsWith("llvm.", StringComparison.Ordinal) ? 1
        : name.StartsWith("_Z", StringComparison.Ordinal) && !name.Contains("get_", StringComparison.Ordinal) && !name.Contains("barrier", StringComparison.Ordinal) ? 8
        : 0;

    private static bool IsGlobal(LlvmValue pointer) => pointer.Type.AddressSpace is 1 or 2;
}
