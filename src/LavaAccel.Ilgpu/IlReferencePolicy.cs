using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace LavaAccel.Ilgpu;

/// <summary>
/// What a package's kernel assembly may refer to, checked from its metadata before it is loaded:
/// ILGPU's kernel API, primitive types, Math/MathF and the attributes the C# compiler emits —
/// nothing that reaches files, processes, reflection, native code or raw memory. It has no static
/// constructors or module initialiser either, so loading it runs none of its code on the host;
/// ILGPU then compiles the kernels through its own IR, which refuses anything else a kernel calls.
/// This is defence in depth, not the wall: IL can reach raw memory without naming a type (and
/// ILGPU's CPU views can be overflowed), so ilgpu/cpu runs jailed (ManagedWorkerJail).
/// </summary>
internal static class IlReferencePolicy
{
    private static readonly HashSet<string> CoreLibraries = new(StringComparer.Ordinal)
    {
        "System.Runtime", "System.Private.CoreLib", "netstandard", "mscorlib", "System.Runtime.Intrinsics",
    };

    private static readonly HashSet<string> KernelLibraries = new(StringComparer.Ordinal) { "ILGPU" };

    private static readonly HashSet<string> AllowedSystemTypes = new(StringComparer.Ordinal)
    {
        "System.Object", "System.ValueType", "System.Void", "System.Attribute", "System.Enum",
        "System.Boolean", "System.Byte", "System.SByte", "System.Int16", "System.UInt16", "System.Int32",
        "System.UInt32", "System.Int64", "System.UInt64", "System.Half", "System.Single", "System.Double",
        "System.Math", "System.MathF", "System.AttributeUsageAttribute", "System.AttributeTargets",
        "System.Diagnostics.DebuggableAttribute", "System.Diagnostics.DebuggableAttribute/DebuggingModes",
        "System.Runtime.Versioning.TargetFrameworkAttribute",
        "System.Reflection.AssemblyCompanyAttribute", "System.Reflection.AssemblyConfigurationAttribute",
        "System.Reflection.AssemblyFileVersionAttribute", "System.Reflection.AssemblyInformationalVersionAttribute",
        "System.Reflection.AssemblyProductAttribute", "System.Reflection.AssemblyTitleAttribute",
        "System.Reflection.AssemblyVersionAttribute",
    };

    // Only attribute types from System.Runtime.CompilerServices: its Unsafe class and friends are not.
    private const string CompilerServices = "System.Runtime.CompilerServices.";

    /// <summary>Throws a <see cref="LavaException"/> naming the first reference the policy refuses.</summary>
    public static void Check(byte[] assembly, string origin)
    {
        try
        {
            using var pe = new PEReader(new MemoryStream(assembly, writable: false));
            if (!pe.HasMetadata)
            {
                throw new LavaException($"{origin}: il/kernels.dll is not a .NET assembly");
            }
            var metadata = pe.GetMetadataReader();
            var own = metadata.GetString(metadata.GetAssemblyDefinition().Name);
            if (KernelLibraries.Contains(own) || CoreLibraries.Contains(own) || own.StartsWith("System.", StringComparison.Ordinal))
            {
                throw new LavaException($"{origin}: the kernel assembly calls itself '{own}', a library's name");
            }
            if (metadata.ExportedTypes.Count > 0)
            {
                throw new LavaException($"{origin}: the kernel assembly forwards types to other assemblies");
            }
            foreach (var handle in metadata.TypeReferences)
            {
                var (library, name) = Describe(metadata, handle);
                if (!Allowed(library, name))
                {
                    throw new LavaException($"{origin}: kernels may only use ILGPU, primitive types and Math — they refer to {name} ({library})");
                }
            }
            if (metadata.GetTableRowCount(TableIndex.ModuleRef) > 0)
            {
                var library = metadata.GetString(metadata.GetModuleReference(MetadataTokens.ModuleReferenceHandle(1)).Name);
                throw new LavaException($"{origin}: kernels may not call native code (the assembly imports {library})");
            }
            foreach (var handle in metadata.MethodDefinitions)
            {
                var method = metadata.GetMethodDefinition(handle);
                if (metadata.StringComparer.Equals(method.Name, ".cctor"))
                {
                    var type = metadata.GetTypeDefinition(method.GetDeclaringType());
                    throw new LavaException($"{origin}: {metadata.GetString(type.Name)} has a static constructor or initialised static fields, which would run on the host (use constants or kernel arguments)");
                }
            }
            foreach (var handle in metadata.GetModuleDefinition().GetCustomAttributes())
            {
                if (AttributeName(metadata, metadata.GetCustomAttribute(handle)) == "UnverifiableCodeAttribute")
                {
                    throw new LavaException($"{origin}: kernels may not use unsafe code (pointers)");
                }
            }
        }
        catch (BadImageFormatException e)
        {
            throw new LavaException($"{origin}: il/kernels.dll is not a valid .NET assembly ({e.Message.TrimEnd('.')})", e);
        }
    }

    private static bool Allowed(string library, string name)
    {
        if (KernelLibraries.Contains(library))
        {
            return !name.StartsWith("ILGPU.Interop", StringComparison.Ordinal) && name != "ILGPU.Context" && !name.StartsWith("ILGPU.Runtime.Accelerator", StringComparison.Ordinal);
        }
        if (!CoreLibraries.Contains(library))
        {
            return false;
        }
        return AllowedSystemTypes.Contains(name)
            || name.StartsWith(CompilerServices, StringComparison.Ordinal) && name.EndsWith("Attribute", StringComparison.Ordinal);
    }

    private static (string Library, string Name) Describe(MetadataReader metadata, TypeReferenceHandle handle, int depth = 0)
    {
        if (depth > 16)
        {
            return ("nested too deep", "?"); // a reference cycle: refused by the caller
        }
        var type = metadata.GetTypeReference(handle);
        var name = metadata.GetString(type.Namespace) is { Length: > 0 } ns ? $"{ns}.{metadata.GetString(type.Name)}" : metadata.GetString(type.Name);
        var scope = type.ResolutionScope;
        switch (scope.Kind)
        {
            case HandleKind.AssemblyReference:
                return (metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)scope).Name), name);
            case HandleKind.TypeReference:
                var (library, outer) = Describe(metadata, (TypeReferenceHandle)scope, depth + 1);
                return (library, $"{outer}/{name}");
            default:
                return ("this assembly", name);
        }
    }

    private static string AttributeName(MetadataReader metadata, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return "";
        }
        var parent = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        return parent.Kind == HandleKind.TypeReference ? metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)parent).Name) : "";
    }
}
