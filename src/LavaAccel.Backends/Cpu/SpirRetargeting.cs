using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>
/// Makes spir64 IR valid for a CPU triple: data layout, and the SPIR calling conventions replaced by
/// C on functions and call sites alike (a mismatch is undefined behaviour, and AArch64's code
/// generator aborts on SPIR conventions). Address spaces 1–4 stay: they are no-op casts on CPUs.
/// </summary>
internal static class SpirRetargeting
{
    private const uint SpirFunction = 75;
    private const uint SpirKernel = 76;
    private const uint C = 0;

    internal static void Apply(LlvmModule module, LlvmTargetMachine machine)
    {
        module.Triple = machine.Triple;
        module.SetDataLayout(machine.DataLayout);
        foreach (var function in module.Functions)
        {
            if (function.CallingConvention is SpirFunction or SpirKernel)
            {
                function.CallingConvention = C;
            }
            if (function.IsDeclaration)
            {
                continue;
            }
            foreach (var instruction in function.Instructions)
            {
                if (instruction.IsCall && instruction.CallSiteConvention is SpirFunction or SpirKernel)
                {
                    instruction.CallSiteConvention = C;
                }
            }
        }
    }
}
