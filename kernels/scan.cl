// Inclusive prefix sum within each work-group (Hillis-Steele):
// out[i] = sum of in[j] for j from the group's first item up to i.
// Args: in (input), out (output), tmp (__local, local-size ints).

__kernel void scan_block(__global const int* in,
                         __global int* out,
                         __local int* tmp)
{
    uint lid = get_local_id(0);
    size_t gid = get_global_id(0);
    tmp[lid] = in[gid];
    barrier(CLK_LOCAL_MEM_FENCE);

    for (uint offset = 1; offset < get_local_size(0); offset <<= 1) {
        int addend = lid >= offset ? tmp[lid - offset] : 0;
        // All reads of this step must finish before any work-item writes.
        barrier(CLK_LOCAL_MEM_FENCE);
        tmp[lid] += addend;
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    out[gid] = tmp[lid];
}
