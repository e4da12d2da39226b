namespace LavaAccel.Scheduling.Simulation;

/// <summary>How the simulator places each job.</summary>
public enum SimulationPolicy
{
    /// <summary>The next eligible device in turn.</summary>
    RoundRobin,

    /// <summary>A seeded uniform choice among the eligible devices.</summary>
    Random,

    /// <summary>Greedy earliest finish time: smallest queue + run estimate, blind to transfer and compile.</summary>
    GreedyEft,

    /// <summary>LavaAccel's scheduler (<see cref="FastPlacer"/>): queue + transfer + compile + run.</summary>
    Lava,
}
