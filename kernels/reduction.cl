// Work-group sum reduction: partial[g] = sum of in[] over the work-items of group g.
// Args: in (input), partial (one float per work-group), scratch (__local, local-size floats).
// Launch: 1D; the local size must be a power of two.

__kernel void reduce_sum(__global const float* in,
                         __global float* partial,
                         __local float* scratch)
{
    uint lid = get_local_id(0);
    scratch[lid] = in[get_global_id(0)];
    barrier(CLK_LOCAL_MEM_FENCE);

    for (uint stride = get_local_size(0) / 2; stride > 0; stride >>= 1) {
        if (lid < stride)
            scratch[lid] += scratch[lid + stride];
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    if (lid == 0)
        partial[get_group_id(0)] = scratch[0];
}
