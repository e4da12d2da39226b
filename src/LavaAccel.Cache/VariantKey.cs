using System.Security.Cryptography;
using System.Text;
using LavaAccel.Backends;

namespace LavaAccel.Cache;

/// <summary>
/// The action key of a variant: sha256 over the IR digest, the kernels with their signatures (the
/// compile checks them against the IR, so a package whose manifest says otherwise never shares a
/// checked variant), the target, the compile options and the backend's fingerprint (resolved CPU and features, backend, LLVM and runtime
/// versions). Computed from digests alone — no preprocessing, no IR parsing — so a hit is cheap;
/// a change to any input misses, nothing else does.
/// </summary>
public static class VariantKey
{
    /// <summary>The options every variant is compiled with today (part of the key).</summary>
    public const string DefaultOptions = "O3";

    /// <summary>Computes the key (<c>sha256:…</c>) of a package's variant for a target.</summary>
    public static string Compute(Package package, TargetId target, string options = DefaultOptions)
    {
        var backend = BackendRegistry.For(target);
        var text = new StringBuilder()
            .Append("ir=").Append(package.Manifest.IrDigest).Append('\n')
            .Append("kernels=").AppendJoin(';', package.Manifest.Kernels.Select(Signature).Order(StringComparer.Ordinal)).Append('\n')
            .Append("target=").Append(target).Append('\n')
            .Append("options=").Append(options).Append('\n')
            .Append("backend=").Append(backend.Fingerprint(target)).Append('\n');
        return Digest.Of(Encoding.UTF8.GetBytes(text.ToString())).ToString();
    }

    private static string Signature(KernelSignature kernel) =>
        kernel.Name + "(" + string.Join(',', kernel.Arguments.Select(a => $"{a.AddressSpace}:{a.ElementType}x{a.VectorWidth}:{(a.IsPointer ? "p" : "v")}{(a.IsConst ? "c" : "")}")) + ")";
}
