/* The worker's report: one JSON line on stdout, written on every way out that the worker
 * controls — success, a clear error, a fatal signal, a forbidden system call, the time limit.
 * Everything here is async-signal-safe (no stdio, no malloc): signal handlers use it too. */
#ifndef LAVA_REPORT_H
#define LAVA_REPORT_H
#include <stddef.h>
#include <stdint.h>

typedef struct report {
    char text[16384];
    size_t len;
} report;

void report_begin(report *r, const char *status);
void report_str(report *r, const char *key, const char *value); /* JSON-escaped */
void report_u64(report *r, const char *key, uint64_t value);
void report_raw(report *r, const char *key, const char *json);
/* Appends "usage":{user_us, sys_us, max_rss_kb} — CPU from getrusage(RUSAGE_SELF), peak RSS from
 * /proc/self/status's VmHWM (ru_maxrss would count the parent's memory from before exec) — then
 * "}\n", and writes the line to stdout with write(2). */
void report_finish(report *r);

/* Keeps the report channel (stdout) to the report alone: it moves to a descriptor of its own and
 * stdout becomes stderr, so what a kernel or a device runtime prints (OpenCL printf) is kernel
 * output, never a line in the channel lava reads the report from. */
void report_keep_channel(void);

/* Opens /proc/self/status while opening files is still allowed; report_finish reads it later. */
void report_open_status(void);

uint64_t monotonic_ns(void);
#endif
