// One Jacobi sweep of the 5-point stencil: out = 0.2 * (centre + 4 neighbours);
// boundary cells copy the input. Args: width, height, in, out (row-major width x height).
// Launch: 2D range, dim0 = x (width), dim1 = y (height).

__kernel void stencil5(int width, int height,
                       __global const float* in,
                       __global float* out)
{
    int x = get_global_id(0);
    int y = get_global_id(1);
    if (x >= width || y >= height)
        return;

    int i = y * width + x;
    if (x == 0 || y == 0 || x == width - 1 || y == height - 1) {
        out[i] = in[i];
        return;
    }

    out[i] = 0.2f * (in[i] + in[i - 1] + in[i + 1] + in[i - width] + in[i + width]);
}
