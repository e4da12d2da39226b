namespace LavaAccel.Service.Storage;

/// <summary>Where a compute node gets packages by digest: the controller's store, or a node's local copy.</summary>
public interface IPackageSource
{
    /// <summary>The package (checked).</summary>
    Package Load(string digest);

    /// <summary>Its file on this machine.</summary>
    string PathOf(string digest);
}
