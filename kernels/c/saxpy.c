/* Plain-C peer of kernels/saxpy.cl: y = a*x + y. usage: saxpy N REPEAT; prints the median ms. */
#include "peer_common.h"

static float *x, *y, *y0, a = 2.5f;

static void body(long begin, long end)
{
    for (long i = begin; i < end; i++)
        y[i] = a * x[i] + y[i];
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1 << 24;
    int repeat = argc > 2 ? atoi(argv[2]) : 10;
    x = aligned_alloc(64, n * sizeof(float));
    y = aligned_alloc(64, n * sizeof(float));
    y0 = aligned_alloc(64, n * sizeof(float));
    for (long i = 0; i < n; i++) { x[i] = (float)(i % 97) / 97.0f; y0[i] = (float)(i % 89) / 89.0f; }
    double *times = calloc(repeat, sizeof(double));
    for (int r = 0; r < repeat; r++) {
        memcpy(y, y0, n * sizeof(float));
        times[r] = peer_parallel(body, n);
    }
    peer_report(times, repeat);
    return 0;
}
