namespace LavaAccel.Backends.Cpu;

/// <summary>The OpenCL work-item and synchronisation functions, by their SPIR (Itanium) names.</summary>
public static class WorkItemBuiltins
{
    public const string GlobalId = "_Z13get_global_idj";
    public const string LocalId = "_Z12get_local_idj";
    public const string GroupId = "_Z12get_group_idj";
    public const string LocalSize = "_Z14get_local_sizej";
    public const string EnqueuedLocalSize = "_Z23get_enqueued_local_sizej";
    public const string GlobalSize = "_Z15get_global_sizej";
    public const string NumGroups = "_Z14get_num_groupsj";
    public const string GlobalOffset = "_Z17get_global_offsetj";
    public const string WorkDim = "_Z12get_work_dimv";
    public const string GlobalLinearId = "_Z20get_global_linear_idv";
    public const string LocalLinearId = "_Z19get_local_linear_idv";

    /// <summary>Barriers: every work-item of the group must arrive before any continues.</summary>
    public static readonly HashSet<string> Barriers = new(StringComparer.Ordinal)
    {
        "_Z7barrierj", "_Z18work_group_barrierj", "_Z18work_group_barrierj12memory_scope",
    };

    /// <summary>Fences: no-ops when the work-items of a group share one thread.</summary>
    public static readonly HashSet<string> Fences = new(StringComparer.Ordinal)
    {
        "_Z9mem_fencej", "_Z14read_mem_fencej", "_Z15write_mem_fencej",
        "_Z22atomic_work_item_fencej12memory_order12memory_scope",
    };

    public static readonly HashSet<string> All = new(StringComparer.Ordinal)
    {
        GlobalId, LocalId, GroupId, LocalSize, EnqueuedLocalSize, GlobalSize, NumGroups, GlobalOffset,
        WorkDim, GlobalLinearId, LocalLinearId,
    };
}
