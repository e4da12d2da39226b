/* Plain-C peer of kernels/stencil2d.cl: one 5-point Jacobi sweep, boundary copied.
 * usage: stencil5 WIDTH HEIGHT REPEAT; prints the median ms. */
#include "peer_common.h"

static float *in, *out;
static long width, height;

static void rows(long begin, long end)
{
    for (long y = begin; y < end; y++) {
        const float *c = in + y * width;
        float *o = out + y * width;
        if (y == 0 || y == height - 1) {
            memcpy(o, c, width * sizeof(float));
            continue;
        }
        o[0] = c[0];
        for (long x = 1; x < width - 1; x++)
            o[x] = 0.2f * (c[x] + c[x - 1] + c[x + 1] + c[x - width] + c[x + width]);
        o[width - 1] = c[width - 1];
    }
}

int main(int argc, char **argv)
{
    width = argc > 1 ? atol(argv[1]) : 2048;
    height = argc > 2 ? atol(argv[2]) : 2048;
    int repeat = argc > 3 ? atoi(argv[3]) : 10;
    in = aligned_alloc(64, width * height * sizeof(float));
    out = aligned_alloc(64, width * height * sizeof(float));
    for (long i = 0; i < width * height; i++) { in[i] = (float)(i % 101) / 101.0f; out[i] = 0; }
    double *times = calloc(repeat, sizeof(double));
    for (int r = 0; r < repeat; r++)
        times[r] = peer_parallel(rows, height);
    peer_report(times, repeat);
    return 0;
}
