using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>
/// Makes spir64 IR valid for a CPU triple: data layout, and the SPIR calling conventions replaced by
/// C on functions and call sites alike (a mismatch is undefined behaviour, and AArch64's code
/// generator aborts on SPIR conventions). Address spaces 1–4 stay: they are no-op casts on CPUs.
/// </summary>
internal static class SpirRetargeting
{

    internal static void Apply(LlvmModule module, LlvmTargetMachine machine)
    {
        module.Triple = machine.Triple;
        module.SetDataLayout(machine.DataLayout);
        foreach (var function in module.Functions)
        {
            if (function.CallingConvention is LlvmCallingConvention.SpirFunction or LlvmCallingConvention.SpirKernel)
            {
                function.CallingConvention = LlvmCallingConvention.C;
            }
            if (function.IsDeclaration)
            {
                continue;
            }
            foreach (var instruction in function.Instructions)
            {
                if (instruction.IsCall && instruction.CallSiteConvention is LlvmCallingConvention.SpirFunction or LlvmCallingConvention.SpirKernel)
                {
                    instruction.CallSiteConvention = LlvmCallingConvention.C;
                }
            }
        }
    }
}
