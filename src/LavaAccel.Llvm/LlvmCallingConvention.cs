namespace LavaAccel.Llvm;

/// <summary>LLVM's calling-convention numbers lava meets in IR (llvm/IR/CallingConv.h).</summary>
public static class LlvmCallingConvention
{
    /// <summary>The C convention (0).</summary>
    public const uint C = 0;

    /// <summary><c>ptx_kernel</c> (71): an NVPTX kernel entry.</summary>
    public const uint PtxKernel = 71;

    /// <summary><c>spir_func</c> (75): an ordinary function in SPIR.</summary>
    public const uint SpirFunction = 75;

    /// <summary><c>spir_kernel</c> (76): an OpenCL kernel in SPIR (LAVA IR).</summary>
    public const uint SpirKernel = 76;
}
