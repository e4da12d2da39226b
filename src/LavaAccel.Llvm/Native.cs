using System.Reflection;
using System.Runtime.InteropServices;

namespace LavaAccel.Llvm;

/// <summary>
/// The LLVM-C functions the pipeline uses, from Debian's libLLVM 19. This is the only file with
/// LLVM P/Invoke; everything else goes through the typed wrappers of this project.
/// </summary>
internal static partial class Native
{
    private const string Lib = "LLVM";

    static Native()
    {
        NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib)
        {
            return 0;
        }
        foreach (var candidate in new[] { "libLLVM.so.19.1", "libLLVM-19.so", "/usr/lib/llvm-19/lib/libLLVM.so" })
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }
        throw new LlvmException("libLLVM 19 is not installed (run tools/bootstrap.sh, or apt-get install libllvm19)");
    }

    /// <summary>Touching this forces the static constructor (resolver registration) to run.</summary>
    internal static void EnsureLoaded() { }

    // --- Support, messages, errors ---
    [LibraryImport(Lib)] internal static partial void LLVMDisposeMessage(nint message);
    [LibraryImport(Lib)] internal static partial nint LLVMGetErrorMessage(nint error);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeErrorMessage(nint message);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMParseCommandLineOptions(int argc, [In] string[] argv, string overview);
    [LibraryImport(Lib)] internal static partial nint LLVMGetHostCPUName();
    [LibraryImport(Lib)] internal static partial nint LLVMGetHostCPUFeatures();

    // --- Context and memory buffers ---
    [LibraryImport(Lib)] internal static partial nint LLVMContextCreate();
    [LibraryImport(Lib)] internal static partial void LLVMContextDispose(nint context);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial uint LLVMGetMDKindIDInContext(nint context, string name, uint length);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMCreateMemoryBufferWithMemoryRangeCopy(ref byte data, nuint length, string name);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeMemoryBuffer(nint buffer);
    [LibraryImport(Lib)] internal static partial nint LLVMGetBufferStart(nint buffer);
    [LibraryImport(Lib)] internal static partial nuint LLVMGetBufferSize(nint buffer);

    // --- Modules ---
    [LibraryImport(Lib)] internal static partial int LLVMParseBitcodeInContext2(nint context, nint buffer, out nint module);
    [LibraryImport(Lib)] internal static partial int LLVMGetBitcodeModuleInContext2(nint context, nint buffer, out nint module);
    [LibraryImport(Lib)] internal static partial nint LLVMWriteBitcodeToMemoryBuffer(nint module);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeModule(nint module);
    [LibraryImport(Lib)] internal static partial int LLVMLinkModules2(nint dest, nint src);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMSetTarget(nint module, string triple);
    [LibraryImport(Lib)] internal static partial nint LLVMGetTarget(nint module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMSetDataLayout(nint module, string layout);
    [LibraryImport(Lib)] internal static partial int LLVMVerifyModule(nint module, int action, out nint message);
    [LibraryImport(Lib)] internal static partial nint LLVMPrintModuleToString(nint module);
    [LibraryImport(Lib)] internal static partial nint LLVMGetFirstFunction(nint module);
    [LibraryImport(Lib)] internal static partial nint LLVMGetNextFunction(nint function);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMGetNamedFunction(nint module, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMAddFunction(nint module, string name, nint functionType);
    [LibraryImport(Lib)] internal static partial nint LLVMGetFirstGlobal(nint module);
    [LibraryImport(Lib)] internal static partial nint LLVMGetNextGlobal(nint global);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial uint LLVMGetNamedMetadataNumOperands(nint module, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMGetNamedMetadataOperands(nint module, string name, [Out] nint[] dest);

    // --- Types ---
    [LibraryImport(Lib)] internal static partial nint LLVMInt8TypeInContext(nint context);
    [LibraryImport(Lib)] internal static partial nint LLVMInt32TypeInContext(nint context);
    [LibraryImport(Lib)] internal static partial nint LLVMInt64TypeInContext(nint context);
    [LibraryImport(Lib)] internal static partial nint LLVMVoidTypeInContext(nint context);
    [LibraryImport(Lib)] internal static partial nint LLVMPointerTypeInContext(nint context, uint addressSpace);
    [LibraryImport(Lib)] internal static partial nint LLVMFunctionType(nint returnType, [In] nint[] paramTypes, uint count, int isVarArg);
    [LibraryImport(Lib)] internal static partial nint LLVMGetReturnType(nint functionType);
    [LibraryImport(Lib)] internal static partial uint LLVMCountParamTypes(nint functionType);
    [LibraryImport(Lib)] internal static partial void LLVMGetParamTypes(nint functionType, [Out] nint[] dest);
    [LibraryImport(Lib)] internal static partial int LLVMGetTypeKind(nint type);
    [LibraryImport(Lib)] internal static partial uint LLVMGetPointerAddressSpace(nint type);
    [LibraryImport(Lib)] internal static partial nint LLVMPrintTypeToString(nint type);

    // --- Values ---
    [LibraryImport(Lib)] internal static partial nint LLVMTypeOf(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMGlobalGetValueType(nint global);
    [LibraryImport(Lib)] internal static partial nint LLVMGetValueName2(nint value, out nuint length);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMSetValueName2(nint value, string name, nuint length);
    [LibraryImport(Lib)] internal static partial void LLVMReplaceAllUsesWith(nint oldValue, nint newValue);
    [LibraryImport(Lib)] internal static partial int LLVMIsDeclaration(nint global);
    [LibraryImport(Lib)] internal static partial int LLVMGetLinkage(nint global);
    [LibraryImport(Lib)] internal static partial void LLVMSetLinkage(nint global, int linkage);
    [LibraryImport(Lib)] internal static partial void LLVMSetVisibility(nint global, int visibility);
    [LibraryImport(Lib)] internal static partial void LLVMSetThreadLocal(nint global, int isThreadLocal);
    [LibraryImport(Lib)] internal static partial void LLVMSetThreadLocalMode(nint global, int mode);
    [LibraryImport(Lib)] internal static partial nint LLVMIsAConstantInt(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMIsAFunction(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMIsACallInst(nint value);
    [LibraryImport(Lib)] internal static partial ulong LLVMConstIntGetZExtValue(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMConstInt(nint type, ulong value, int signExtend);
    [LibraryImport(Lib)] internal static partial nint LLVMGetOperand(nint value, uint index);
    [LibraryImport(Lib)] internal static partial int LLVMGetNumOperands(nint value);
    [LibraryImport(Lib)] internal static partial long LLVMConstIntGetSExtValue(nint value);
    [LibraryImport(Lib)] internal static partial uint LLVMCountIncoming(nint phi);
    [LibraryImport(Lib)] internal static partial nint LLVMGetIncomingValue(nint phi, uint index);
    [LibraryImport(Lib)] internal static partial nint LLVMGetIncomingBlock(nint phi, uint index);
    [LibraryImport(Lib)] internal static partial int LLVMGetICmpPredicate(nint instruction);
    [LibraryImport(Lib)] internal static partial nint LLVMGetFirstUse(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMGetNextUse(nint use);
    [LibraryImport(Lib)] internal static partial nint LLVMGetUser(nint use);
    [LibraryImport(Lib)] internal static partial nint LLVMMetadataAsValue(nint context, nint metadata);
    [LibraryImport(Lib)] internal static partial uint LLVMGetMDNodeNumOperands(nint value);
    [LibraryImport(Lib)] internal static partial void LLVMGetMDNodeOperands(nint value, [Out] nint[] dest);
    [LibraryImport(Lib)] internal static partial nint LLVMGetMDString(nint value, out uint length);

    // --- Functions, attributes, metadata ---
    [LibraryImport(Lib)] internal static partial uint LLVMCountParams(nint function);
    [LibraryImport(Lib)] internal static partial nint LLVMGetParam(nint function, uint index);
    [LibraryImport(Lib)] internal static partial uint LLVMGetFunctionCallConv(nint function);
    [LibraryImport(Lib)] internal static partial void LLVMSetFunctionCallConv(nint function, uint callConv);
    [LibraryImport(Lib)] internal static partial void LLVMDeleteFunction(nint function);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial uint LLVMGetEnumAttributeKindForName(string name, nuint length);
    [LibraryImport(Lib)] internal static partial nint LLVMCreateEnumAttribute(nint context, uint kind, ulong value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMCreateStringAttribute(nint context, string key, uint keyLength, string value, uint valueLength);
    [LibraryImport(Lib)] internal static partial void LLVMAddAttributeAtIndex(nint function, uint index, nint attribute);
    [LibraryImport(Lib)] internal static partial void LLVMRemoveEnumAttributeAtIndex(nint function, uint index, uint kind);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMRemoveStringAttributeAtIndex(nint function, uint index, string key, uint keyLength);
    [LibraryImport(Lib)] internal static partial void LLVMRemoveCallSiteEnumAttribute(nint call, uint index, uint kind);
    [LibraryImport(Lib)] internal static partial nint LLVMGlobalCopyAllMetadata(nint value, out nuint count);
    [LibraryImport(Lib)] internal static partial uint LLVMValueMetadataEntriesGetKind(nint entries, uint index);
    [LibraryImport(Lib)] internal static partial nint LLVMValueMetadataEntriesGetMetadata(nint entries, uint index);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeValueMetadataEntries(nint entries);

    // --- Basic blocks and instructions ---
    [LibraryImport(Lib)] internal static partial nint LLVMGetFirstBasicBlock(nint function);
    [LibraryImport(Lib)] internal static partial nint LLVMGetNextBasicBlock(nint block);
    [LibraryImport(Lib)] internal static partial void LLVMRemoveBasicBlockFromParent(nint block);
    [LibraryImport(Lib)] internal static partial void LLVMAppendExistingBasicBlock(nint function, nint block);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMAppendBasicBlockInContext(nint context, nint function, string name);
    [LibraryImport(Lib)] internal static partial nint LLVMGetFirstInstruction(nint block);
    [LibraryImport(Lib)] internal static partial nint LLVMGetNextInstruction(nint instruction);
    [LibraryImport(Lib)] internal static partial int LLVMGetInstructionOpcode(nint instruction);
    [LibraryImport(Lib)] internal static partial void LLVMInstructionEraseFromParent(nint instruction);
    [LibraryImport(Lib)] internal static partial nint LLVMGetCalledValue(nint call);
    [LibraryImport(Lib)] internal static partial uint LLVMGetNumArgOperands(nint call);
    [LibraryImport(Lib)] internal static partial uint LLVMGetInstructionCallConv(nint call);
    [LibraryImport(Lib)] internal static partial void LLVMSetInstructionCallConv(nint call, uint callConv);

    [LibraryImport(Lib)] internal static partial void LLVMInstructionRemoveFromParent(nint instruction);
    [LibraryImport(Lib)] internal static partial nint LLVMGetInstructionParent(nint instruction);
    [LibraryImport(Lib)] internal static partial nint LLVMGetBasicBlockTerminator(nint block);
    [LibraryImport(Lib)] internal static partial nint LLVMGetAllocatedType(nint alloca);
    [LibraryImport(Lib)] internal static partial nint LLVMGetSuccessor(nint terminator, uint index);
    [LibraryImport(Lib)] internal static partial uint LLVMGetNumSuccessors(nint terminator);
    [LibraryImport(Lib)] internal static partial nint LLVMInstructionClone(nint instruction);
    [LibraryImport(Lib)] internal static partial void LLVMSetOperand(nint user, uint index, nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMIsAArgument(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMIsAInstruction(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMIsAPHINode(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMIsAInlineAsm(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMIsAConstantExpr(nint value);
    [LibraryImport(Lib)] internal static partial int LLVMGetConstOpcode(nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMGetModuleInlineAsm(nint module, out nuint length);
    [LibraryImport(Lib)] internal static partial nint LLVMGetFirstGlobalIFunc(nint module);
    [LibraryImport(Lib)] internal static partial nint LLVMGetFirstGlobalAlias(nint module);
    [LibraryImport(Lib)] internal static partial nint LLVMGetNextGlobalAlias(nint alias);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMGetNamedGlobal(nint module, string name);
    [LibraryImport(Lib)] internal static partial nint LLVMGetSection(nint global);
    [LibraryImport(Lib)] internal static partial int LLVMIsConditional(nint branch);
    [LibraryImport(Lib)] internal static partial nint LLVMGetCondition(nint branch);
    [LibraryImport(Lib)] internal static partial nint LLVMBuildMemCpy(nint builder, nint destination, uint destinationAlign, nint source, uint sourceAlign, nint size);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMInsertBasicBlockInContext(nint context, nint before, string name);
    [LibraryImport(Lib)] internal static partial nint LLVMGetModuleDataLayout(nint module);
    [LibraryImport(Lib)] internal static partial ulong LLVMABISizeOfType(nint targetData, nint type);
    [LibraryImport(Lib)] internal static partial uint LLVMABIAlignmentOfType(nint targetData, nint type);

    // --- Builder ---
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMInsertIntoBuilderWithName(nint builder, nint instruction, string name);
    [LibraryImport(Lib)] internal static partial nint LLVMBuildSwitch(nint builder, nint value, nint otherwise, uint cases);
    [LibraryImport(Lib)] internal static partial void LLVMAddCase(nint @switch, nint onValue, nint destination);
    [LibraryImport(Lib)] internal static partial nint LLVMBuildRet(nint builder, nint value);
    [LibraryImport(Lib)] internal static partial nint LLVMCreateBuilderInContext(nint context);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeBuilder(nint builder);
    [LibraryImport(Lib)] internal static partial void LLVMPositionBuilderAtEnd(nint builder, nint block);
    [LibraryImport(Lib)] internal static partial void LLVMPositionBuilderBefore(nint builder, nint instruction);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildAdd(nint builder, nint lhs, nint rhs, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildNUWAdd(nint builder, nint lhs, nint rhs, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildMul(nint builder, nint lhs, nint rhs, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildICmp(nint builder, int predicate, nint lhs, nint rhs, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildSelect(nint builder, nint condition, nint then, nint otherwise, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildLoad2(nint builder, nint type, nint pointer, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildInBoundsGEP2(nint builder, nint type, nint pointer, [In] nint[] indices, uint count, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildZExtOrBitCast(nint builder, nint value, nint type, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildTruncOrBitCast(nint builder, nint value, nint type, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildPhi(nint builder, nint type, string name);
    [LibraryImport(Lib)] internal static partial void LLVMAddIncoming(nint phi, [In] nint[] values, [In] nint[] blocks, uint count);
    [LibraryImport(Lib)] internal static partial nint LLVMBuildBr(nint builder, nint destination);
    [LibraryImport(Lib)] internal static partial nint LLVMBuildStore(nint builder, nint value, nint pointer);
    [LibraryImport(Lib)] internal static partial nint LLVMBuildCondBr(nint builder, nint condition, nint then, nint otherwise);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMBuildCall2(nint builder, nint functionType, nint function, [In] nint[] args, uint count, string name);
    [LibraryImport(Lib)] internal static partial nint LLVMBuildRetVoid(nint builder);

    // --- Targets and code generation ---
    [LibraryImport(Lib)] internal static partial void LLVMInitializeNVPTXTargetInfo();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeNVPTXTarget();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeNVPTXTargetMC();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeNVPTXAsmPrinter();
    [LibraryImport(Lib)] internal static partial int LLVMParseIRInContext(nint context, nint buffer, out nint module, out nint message);
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86TargetInfo();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86Target();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86TargetMC();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86AsmPrinter();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64TargetInfo();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64Target();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64TargetMC();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64AsmPrinter();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int LLVMGetTargetFromTriple(string triple, out nint target, out nint errorMessage);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMCreateTargetMachine(nint target, string triple, string cpu, string features, int level, int reloc, int codeModel);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeTargetMachine(nint machine);
    [LibraryImport(Lib)] internal static partial nint LLVMCreateTargetDataLayout(nint machine);
    [LibraryImport(Lib)] internal static partial nint LLVMCopyStringRepOfTargetData(nint data);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeTargetData(nint data);
    [LibraryImport(Lib)] internal static partial int LLVMTargetMachineEmitToMemoryBuffer(nint machine, nint module, int fileType, out nint errorMessage, out nint buffer);
    [LibraryImport(Lib)] internal static partial nint LLVMCreatePassBuilderOptions();
    [LibraryImport(Lib)] internal static partial void LLVMDisposePassBuilderOptions(nint options);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMRunPasses(nint module, string passes, nint machine, nint options);
}
