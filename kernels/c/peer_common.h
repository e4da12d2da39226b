/* Shared by the plain-C twins of suite kernels (lava bench --peers c, the benchmarks' native peer):
 * the same work split lava's runtime uses (contiguous ranges per thread, threads created per
 * launch, main thread participating), timed the same way.
 * Every twin's command line: TWIN THREADS WARMUP ITERATIONS GLOBAL0 [GLOBAL1 …]; it prints the
 * time of each timed iteration in ms, one per line, in the order they ran. */
#ifndef PEER_COMMON_H
#define PEER_COMMON_H
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef void (*peer_body)(long begin, long end);
typedef struct { peer_body body; long begin, end; } peer_chunk;

static void *peer_thread(void *p) { peer_chunk *c = p; c->body(c->begin, c->end); return NULL; }

static double peer_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long peer_threads = 1;

/* Runs body over [0, total) on peer_threads threads; returns elapsed ms. */
static double peer_parallel(peer_body body, long total)
{
    long threads = peer_threads;
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    peer_chunk chunks[64];
    pthread_t tids[64];
    double t0 = peer_now_ms();
    for (long t = 0; t < threads; t++) {
        chunks[t].body = body;
        chunks[t].begin = total * t / threads;
        chunks[t].end = total * (t + 1) / threads;
        if (t > 0) pthread_create(&tids[t], NULL, peer_thread, &chunks[t]);
    }
    peer_thread(&chunks[0]);
    for (long t = 1; t < threads; t++) pthread_join(tids[t], NULL);
    return peer_now_ms() - t0;
}

/* Parses THREADS WARMUP ITERATIONS; returns the index of the first size argument. */
static int peer_args(int argc, char **argv, int *warmup, int *iterations, int sizes)
{
    if (argc < 4 + sizes) {
        fprintf(stderr, "usage: %s THREADS WARMUP ITERATIONS (%d sizes)\n", argv[0], sizes);
        exit(2);
    }
    peer_threads = atol(argv[1]);
    if (peer_threads < 1) peer_threads = sysconf(_SC_NPROCESSORS_ONLN);
    *warmup = atoi(argv[2]);
    *iterations = atoi(argv[3]);
    if (*warmup < 0 || *iterations < 1) {
        fprintf(stderr, "bad WARMUP or ITERATIONS\n");
        exit(2);
    }
    return 4;
}

static void peer_print(const double *times, int iterations)
{
    for (int r = 0; r < iterations; r++)
        printf("%.6f\n", times[r]);
}
#endif
