/* Plain-C twin of kernels/saxpy.cl: y = a*x + y.
 * usage: saxpy THREADS WARMUP ITERATIONS N; prints each timed iteration's ms. */
#include "peer_common.h"

static float *x, *y, *y0, a = 2.5f;

static void body(long begin, long end)
{
    for (long i = begin; i < end; i++)
        y[i] = a * x[i] + y[i];
}

int main(int argc, char **argv)
{
    int warmup, iterations;
    int first = peer_args(argc, argv, &warmup, &iterations, 1);
    long n = atol(argv[first]);
    x = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    y = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    y0 = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    for (long i = 0; i < n; i++) { x[i] = (float)(i % 97) / 97.0f; y0[i] = (float)(i % 89) / 89.0f; }
    double *times = calloc(iterations, sizeof(double));
    for (int r = -warmup; r < iterations; r++) {
        memcpy(y, y0, n * sizeof(float));
        double t = peer_parallel(body, n);
        if (r >= 0) times[r] = t;
    }
    peer_print(times, iterations);
    return 0;
}
