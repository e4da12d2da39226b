/* One job for the worker: what the job file says, with its buffers loaded into memory.
 *
 * JOBFILE lines:
 *   device cpu|opencl|cuda          (which runtime runs the variant; default cpu)
 *   kernel NAME
 *   range DIM G0 G1 G2 L0 L1 L2
 *   threads N
 *   repeat R
 *   warmup W                        (untimed launches before the R timed ones; default 0)
 *   clopts OPTIONS                  (opencl: build options when the variant is OpenCL C source)
 *   buffer BYTES rw|ro PATH        (buffer argument; rw buffers are written back)
 *   scalar BYTES HEX                (scalar argument, little-endian bytes)
 *   local BYTES                     (__local pointer argument)
 *   timelimit MS                    (wall-clock limit, enforced here as well as by the caller)
 *   memlimit BYTES                  (RLIMIT_DATA, where no memory cgroup applies)
 *   seccomp on|off|optional         (the worker's own system-call filter and Landlock rules; default
 *                                    on: refuse to run without them; optional: where an emulator
 *                                    cannot install them and the container's filter stands in)
 *   fp64 yes                        (the kernel uses double: the device must support it) */
#ifndef LAVA_JOB_H
#define LAVA_JOB_H
#include <stddef.h>
#include <stdint.h>

#define JOB_MAX_ARGS 128

typedef struct job_arg {
    char kind; /* 'b' buffer, 's' scalar, 'l' local */
    int writable;
    uint64_t bytes;
    char path[4096];
    void *data;     /* buffer memory or scalar bytes */
    void *pristine; /* copy of a writable buffer's input, restored between repeats (cpu) */
    void *slot;     /* what args[i] points at for buffers: the buffer pointer (cpu) */
    int fd;         /* a writable buffer's file, open until the results are written */
} job_arg;

enum { SECCOMP_OFF = 0, SECCOMP_ON = 1, SECCOMP_OPTIONAL = 2 };

typedef struct job {
    char device[16];
    char kernel[512];
    char clopts[1024]; /* OpenCL build options for a source program (-D NAME=VALUE, -cl-std=…) */
    unsigned dim;
    uint64_t global[3], local[3];
    unsigned threads, repeat, warmup; /* warmup: untimed launches before the timed ones */
    uint64_t time_limit_ms, memory_limit;
    int seccomp, fp64;
    uint32_t nargs;
    job_arg args[JOB_MAX_ARGS];
} job;

/* Reads the job file (arming the time and memory limits as their lines come) and loads every
 * buffer; writable buffers keep their files open for the results. Dies with a report on error. */
void job_read(job *j, const char *path);
/* Writes the writable buffers back into their files. */
void job_save(const job *j);
/* "arg0[64 bytes], …": names and sizes of the buffers, for crash reports. */
void job_describe_buffers(const job *j, char *out, size_t size);
/* The largest buffer (at least 1 byte): no result file may grow beyond it. */
uint64_t job_largest_buffer(const job *j);

/* Reports an error (stderr and the JSON report) and exits 2. */
_Noreturn void die(const char *fmt, const char *what);
double now_ms(void);
#endif
