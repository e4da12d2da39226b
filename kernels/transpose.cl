// Matrix transpose through local memory: out[x][y] = in[y][x].
// Args: width, height (of in, row-major), in, out (height columns, width rows).
// Launch: 2D range, dim0 = x (width), dim1 = y (height), local TDIM x TDIM.

#ifndef TDIM
#define TDIM 16
#endif

__kernel void transpose(int width, int height,
                        __global const float* in,
                        __global float* out)
{
    // The extra column keeps column reads from hitting a single bank on GPUs.
    __local float tile[TDIM][TDIM + 1];

    int lx = get_local_id(0);
    int ly = get_local_id(1);
    int x = get_global_id(0);
    int y = get_global_id(1);
    if (x < width && y < height)
        tile[ly][lx] = in[y * width + x];
    barrier(CLK_LOCAL_MEM_FENCE);

    // Swap the group coordinates so the writes to out stay coalesced.
    int ox = get_group_id(1) * TDIM + lx;
    int oy = get_group_id(0) * TDIM + ly;
    if (ox < height && oy < width)
        out[oy * height + ox] = tile[lx][ly];
}
