using LavaAccel.Bench.Machine;

namespace LavaAccel.Bench.Results;

/// <summary>One <c>lava bench</c> run: the machine and its records.</summary>
/// <param name="Machine">Where and when it ran.</param>
/// <param name="Records">One per kernel × target (and peer).</param>
public sealed record BenchRun(MachineDescription Machine, IReadOnlyList<BenchRecord> Records);
