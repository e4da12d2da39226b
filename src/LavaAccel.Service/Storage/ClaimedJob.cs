using LavaAccel.Api.V1;

namespace LavaAccel.Service.Storage;

/// <summary>A job a node claimed.</summary>
/// <param name="Job">The job (now running on the node).</param>
/// <param name="Request">What to run; its time limit already cut to the owner's device-seconds left.</param>
/// <param name="MemoryLimit">Memory limit in bytes (0: none).</param>
/// <param name="DeviceSecondsLeft">What was left of the owner's device-seconds quota at the claim, or null without one.</param>
public sealed record ClaimedJob(Job Job, SubmitJobRequest Request, long MemoryLimit, double? DeviceSecondsLeft);
