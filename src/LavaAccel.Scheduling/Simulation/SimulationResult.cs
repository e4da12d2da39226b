namespace LavaAccel.Scheduling.Simulation;

/// <summary>What one policy achieved on a job stream; times are simulated seconds from the stream's start.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="MakespanSeconds">When the last device finishes.</param>
/// <param name="MeanCompletionSeconds">Mean completion time of the placed jobs.</param>
/// <param name="Placed">Jobs placed.</param>
/// <param name="Rejected">Jobs no device could run.</param>
/// <param name="Compiles">Variants compiled (cache misses on the chosen node).</param>
/// <param name="TransferSeconds">Sum of the time spent moving buffers.</param>
/// <param name="CompileSeconds">Sum of the time spent compiling.</param>
/// <param name="RunSeconds">Sum of the true kernel run times.</param>
/// <param name="JobsByKind">Jobs placed per device kind (cpu, gpu, fpga).</param>
/// <param name="PlacementSeconds">Wall time the policy spent deciding (all jobs).</param>
public sealed record SimulationResult(SimulationPolicy Policy, double MakespanSeconds, double MeanCompletionSeconds, int Placed, int Rejected,
    int Compiles, double TransferSeconds, double CompileSeconds, double RunSeconds, IReadOnlyDictionary<string, int> JobsByKind, double PlacementSeconds);
