/* Plain-C twin of kernels/stencil2d.cl: one 5-point Jacobi sweep, boundary copied.
 * usage: stencil5 THREADS WARMUP ITERATIONS WIDTH HEIGHT; prints each timed iteration's ms. */
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
    int warmup, iterations;
    int first = peer_args(argc, argv, &warmup, &iterations, 2);
    width = atol(argv[first]);
    height = atol(argv[first + 1]);
    in = aligned_alloc(64, (width * height * sizeof(float) + 63) / 64 * 64);
    out = aligned_alloc(64, (width * height * sizeof(float) + 63) / 64 * 64);
    for (long i = 0; i < width * height; i++) { in[i] = (float)(i % 101) / 101.0f; out[i] = 0; }
    double *times = calloc(iterations, sizeof(double));
    for (int r = -warmup; r < iterations; r++) {
        double t = peer_parallel(rows, height);
        if (r >= 0) times[r] = t;
    }
    peer_print(times, iterations);
    return 0;
}
