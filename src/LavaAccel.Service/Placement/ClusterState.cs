using LavaAccel.Api.V1;
using LavaAccel.Scheduling;

namespace LavaAccel.Service.Placement;

/// <summary>A live node as placement sees it.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Workers">Jobs it runs at once.</param>
/// <param name="Devices">Its devices as it registered them (profiles and targets).</param>
public sealed record ClusterNode(string Name, int Workers, IReadOnlyList<Device> Devices);

/// <summary>A job running on a node: how long the controller expected it to take, and since when it runs.</summary>
public sealed record RunningJob(string Node, double EstimateSeconds, long StartedMs);

/// <summary>A queued job waiting for placement, with what the controller knows of it.</summary>
/// <param name="Id">Job id.</param>
/// <param name="PackageDigest">Its package (for the cached-variant check).</param>
/// <param name="Work">Its demand.</param>
/// <param name="Language">The language of its kernels (which targets compile it).</param>
/// <param name="Target">The target it asked for, or null (auto).</param>
/// <param name="Require">The device kind it asked for, or null.</param>
public sealed record PendingJob(string Id, string PackageDigest, KernelWork Work, string Language, string? Target, string? Require);

/// <summary>Where a queued job was placed, and why it waits — or why nothing can run it.</summary>
/// <param name="JobId">Job id.</param>
/// <param name="Node">Node chosen ("" when unplaceable).</param>
/// <param name="Device">Device chosen (node/device id).</param>
/// <param name="Profile">The device's profile id (the history's key).</param>
/// <param name="Target">Target chosen.</param>
/// <param name="EstimateSeconds">Expected compile + run time there (the queue model's charge).</param>
/// <param name="Explanation">The chosen candidate and the runners-up.</param>
/// <param name="Reason">Why it waits ("" when it starts as soon as its node asks).</param>
public sealed record PlacedJob(string JobId, string Node, string Device, string Profile, string Target, double EstimateSeconds, global::LavaAccel.Api.V1.Placement? Explanation, string Reason)
{
    /// <summary>Whether a node was chosen.</summary>
    public bool Placed => Node.Length > 0;
}
