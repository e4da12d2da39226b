using System.Runtime.InteropServices;

namespace LavaAccel.Llvm;

/// <summary>A code generator for one triple, CPU and feature set.</summary>
public sealed class LlvmTargetMachine : IDisposable
{
    private static readonly Lock InitLock = new();
    private static bool _x86, _aarch64, _nvptx;
    private readonly TargetMachineHandle _handle;

    /// <summary>Creates a target machine (PIC, optimisation level aggressive).</summary>
    public LlvmTargetMachine(string triple, string cpu, string features)
    {
        Native.EnsureLoaded();
        Initialize(triple);
        if (Native.LLVMGetTargetFromTriple(triple, out var target, out var error) != 0)
        {
            throw new LlvmException($"no LLVM target for '{triple}': {NativeString.TakeMessage(error)}");
        }
        var machine = Native.LLVMCreateTargetMachine(target, triple, cpu, features, 3 /* Aggressive */, 2 /* PIC */, 0 /* Default */);
        if (machine == 0)
        {
            throw new LlvmException($"LLVM cannot create a target machine for {triple} cpu={cpu}");
        }
        _handle = new TargetMachineHandle(machine);
        Triple = triple;
    }

    /// <summary>The triple this machine generates code for.</summary>
    public string Triple { get; }

    internal nint Handle => _handle.DangerousGetHandle();

    /// <summary>The data layout string of the target.</summary>
    public string DataLayout
    {
        get
        {
            var data = Native.LLVMCreateTargetDataLayout(Handle);
            try
            {
                return NativeString.TakeMessage(Native.LLVMCopyStringRepOfTargetData(data));
            }
            finally
            {
                Native.LLVMDisposeTargetData(data);
            }
        }
    }

    /// <summary>Generates an ELF object file for the module.</summary>
    public byte[] EmitObject(LlvmModule module)
    {
        if (Native.LLVMTargetMachineEmitToMemoryBuffer(Handle, module.Handle, 1 /* LLVMObjectFile */, out var error, out var buffer) != 0)
        {
            throw new LlvmException("code generation failed: " + NativeString.TakeMessage(error));
        }
        try
        {
            return CopyBuffer(buffer);
        }
        finally
        {
            Native.LLVMDisposeMemoryBuffer(buffer);
        }
    }

    /// <summary>Generates assembly text for the module (PTX for NVPTX).</summary>
    public string EmitAssembly(LlvmModule module)
    {
        if (Native.LLVMTargetMachineEmitToMemoryBuffer(Handle, module.Handle, 0 /* LLVMAssemblyFile */, out var error, out var buffer) != 0)
        {
            throw new LlvmException("code generation failed: " + NativeString.TakeMessage(error));
        }
        try
        {
            return System.Text.Encoding.UTF8.GetString(CopyBuffer(buffer));
        }
        finally
        {
            Native.LLVMDisposeMemoryBuffer(buffer);
        }
    }

    /// <summary>The host CPU name as LLVM sees it (e.g. <c>znver4</c>).</summary>
    public static string HostCpuName()
    {
        Native.EnsureLoaded();
        return NativeString.TakeMessage(Native.LLVMGetHostCPUName());
    }

    /// <summary>The host CPU features as an LLVM feature string.</summary>
    public static string HostCpuFeatures()
    {
        Native.EnsureLoaded();
        return NativeString.TakeMessage(Native.LLVMGetHostCPUFeatures());
    }

    /// <summary>Sets LLVM command-line options for this process (once, before any compilation).</summary>
    public static void SetGlobalOptions(params string[] options)
    {
        Native.EnsureLoaded();
        Native.LLVMParseCommandLineOptions(options.Length + 1, ["lava", .. options], "");
    }

    internal static byte[] CopyBuffer(nint buffer)
    {
        var size = checked((int)Native.LLVMGetBufferSize(buffer));
        var bytes = new byte[size];
        Marshal.Copy(Native.LLVMGetBufferStart(buffer), bytes, 0, size);
        return bytes;
    }

    private static void Initialize(string triple)
    {
        lock (InitLock)
        {
            if (triple.StartsWith("x86_64", StringComparison.Ordinal) && !_x86)
            {
                Native.LLVMInitializeX86TargetInfo();
                Native.LLVMInitializeX86Target();
                Native.LLVMInitializeX86TargetMC();
                Native.LLVMInitializeX86AsmPrinter();
                _x86 = true;
            }
            else if (triple.StartsWith("nvptx", StringComparison.Ordinal) && !_nvptx)
            {
                Native.LLVMInitializeNVPTXTargetInfo();
                Native.LLVMInitializeNVPTXTarget();
                Native.LLVMInitializeNVPTXTargetMC();
                Native.LLVMInitializeNVPTXAsmPrinter();
                _nvptx = true;
            }
            else if (triple.StartsWith("aarch64", StringComparison.Ordinal) && !_aarch64)
            {
                Native.LLVMInitializeAArch64TargetInfo();
                Native.LLVMInitializeAArch64Target();
                Native.LLVMInitializeAArch64TargetMC();
                Native.LLVMInitializeAArch64AsmPrinter();
                _aarch64 = true;
            }
        }
    }

    /// <summary>Frees the target machine.</summary>
    public void Dispose() => _handle.Dispose();
}
