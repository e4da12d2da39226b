using Microsoft.Win32.SafeHandles;

namespace LavaAccel.Llvm;

/// <summary>Owns an LLVMContextRef.</summary>
internal sealed class ContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ContextHandle() : base(true) { }
    public ContextHandle(nint handle) : base(true) => SetHandle(handle);
    protected override bool ReleaseHandle()
    {
        Native.LLVMContextDispose(handle);
        return true;
    }
}

/// <summary>Owns an LLVMModuleRef (until it is linked into another module).</summary>
internal sealed class ModuleHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ModuleHandle(nint handle) : base(true) => SetHandle(handle);
    public ModuleHandle() : base(true) { }
    /// <summary>LLVMLinkModules2 destroys its source: after that there is nothing to free.</summary>
    public void Relinquish() => SetHandleAsInvalid();
    protected override bool ReleaseHandle()
    {
        Native.LLVMDisposeModule(handle);
        return true;
    }
}

/// <summary>Owns an LLVMTargetMachineRef.</summary>
internal sealed class TargetMachineHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public TargetMachineHandle(nint handle) : base(true) => SetHandle(handle);
    public TargetMachineHandle() : base(true) { }
    protected override bool ReleaseHandle()
    {
        Native.LLVMDisposeTargetMachine(handle);
        return true;
    }
}

/// <summary>Owns an LLVMBuilderRef.</summary>
internal sealed class BuilderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BuilderHandle(nint handle) : base(true) => SetHandle(handle);
    public BuilderHandle() : base(true) { }
    protected override bool ReleaseHandle()
    {
        Native.LLVMDisposeBuilder(handle);
        return true;
    }
}
