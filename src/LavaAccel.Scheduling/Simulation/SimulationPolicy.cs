namespace LavaAccel.Scheduling.Simulation;

/// <summary>How the simulator places each job.</summary>
public enum SimulationPolicy
{
    /// <summary>
    /// First-come pull, what lava's nodes did before the controller placed jobs: the device that
    /// becomes free first (whatever its speed) takes the next job it can run.
    /// </summary>
    Pull,

    /// <summary>The next eligible device in turn.</summary>
    RoundRobin,

    /// <summary>A seeded uniform choice among the eligible devices.</summary>
    Random,

    /// <summary>Greedy earliest finish time: smallest queue + run estimate, blind to transfer and compile.</summary>
    GreedyEft,

    /// <summary>LavaAccel's scheduler (<see cref="FastPlacer"/>): queue + transfer + compile + run.</summary>
    Lava,
}
