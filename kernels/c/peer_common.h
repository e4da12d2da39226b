/* Shared by the plain-C peers: the same work split lava's runtime uses (contiguous ranges per
 * thread, threads created per launch, main thread participating), timed the same way. */
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

/* Runs body over [0, total) on all cores; returns elapsed ms. */
static double peer_parallel(peer_body body, long total)
{
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
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

static int peer_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void peer_report(double *times, int repeat)
{
    qsort(times, repeat, sizeof(double), peer_cmp);
    printf("%.6f\n", times[repeat / 2]);
}
#endif
