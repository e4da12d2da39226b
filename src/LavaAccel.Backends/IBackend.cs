using LavaAccel.Devices;

namespace LavaAccel.Backends;

/// <summary>
/// A backend compiles LAVA IR for its targets: IR + target → artifact. Adding a target family is
/// adding an implementation to <see cref="BackendRegistry"/>, not editing a switch.
/// </summary>
public interface IBackend
{
    /// <summary>The backend part of its target ids (<c>cpu</c>).</summary>
    string Name { get; }

    /// <summary>Every target this backend compiles for.</summary>
    IReadOnlyList<TargetId> Targets { get; }

    /// <summary>Whether it compiles the package's kind of code (LAVA IR, unless it says otherwise).</summary>
    bool Accepts(Package package) => !package.IsIlgpu;

    /// <summary>The kernel language its targets take: <c>opencl-c</c> or <c>csharp</c>.</summary>
    string InputLanguage => "opencl-c";

    /// <summary>
    /// The targets it runs on <paramref name="device"/>, a device of this machine (discovered):
    /// the one answer to "which targets does this device run", for discovery, <c>lava devices</c>,
    /// the service's device view, node registration and placement.
    /// </summary>
    IEnumerable<TargetId> TargetsOn(DeviceProfile device);

    /// <summary>The kind of device (<c>cpu</c>, <c>gpu</c>, <c>fpga</c>) the target runs on, where it implies one.</summary>
    string? DeviceKind(TargetId target) => null;

    /// <summary>Process-wide settings a compile for <paramref name="target"/> needs (the compile worker calls it first).</summary>
    void ConfigureProcess(TargetId target)
    {
    }

    /// <summary>Why this machine cannot run artifacts for the target, or null when it can.</summary>
    string? WhyNotRunnable(TargetId target);

    /// <summary>
    /// Everything besides the IR that decides the artifact: resolved CPU and features (or SM),
    /// backend and toolchain versions, the runtime library it links. Part of the variant key.
    /// </summary>
    string Fingerprint(TargetId target);

    /// <summary>
    /// Compiles in this process. LLVM aborts the process on some bad input, so callers outside a
    /// compile worker use <see cref="CompileWorkerClient"/> instead.
    /// </summary>
    CompiledArtifact Compile(Package package, TargetId target);
}
