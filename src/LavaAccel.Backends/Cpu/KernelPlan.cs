using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>A kernel between the lowering steps: its body function and how it will run.</summary>
/// <param name="Name">Kernel name.</param>
/// <param name="Mode">How its work-items run.</param>
/// <param name="Body">The body function (kernel code with local ids and descriptor as parameters).</param>
/// <param name="BodyType">Type of <paramref name="Body"/>.</param>
/// <param name="ParameterTypes">The kernel's own parameter types.</param>
internal sealed record KernelPlan(string Name, KernelMode Mode, LlvmValue Body, LlvmType BodyType, IReadOnlyList<LlvmType> ParameterTypes)
{
    /// <summary>Barriers a region body can resume after (regions mode).</summary>
    public int ResumePoints { get; init; }

    /// <summary>Bytes of per-work-item state a region body keeps across barriers.</summary>
    public long ContextBytesPerItem { get; init; }

    /// <summary>
    /// Bytes of group-uniform state (regions mode): the context starts with two copies, the values
    /// at region entry and those written during the region; the wrapper copies the second over the
    /// first after each region.
    /// </summary>
    public long UniformBytes { get; init; }

    /// <summary>The mode's name as reported to users.</summary>
    public string ModeName => Mode.ToString().ToLowerInvariant();
}
