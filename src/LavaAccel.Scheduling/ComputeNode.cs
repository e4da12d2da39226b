namespace LavaAccel.Scheduling;

/// <summary>A node: its devices and how fast data reaches it.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Devices">Its devices.</param>
/// <param name="LinkGbs">GB/s from where the job's data is to this node; infinity for the local node.</param>
public sealed record ComputeNode(string Name, IReadOnlyList<DeviceSlot> Devices, double LinkGbs = double.PositiveInfinity);
