/* lava-runner: loads one CPU variant (.so) and runs one kernel over buffers held in files.
 * It runs in a process of its own (natively, or under qemu-aarch64), so a kernel that crashes
 * takes down only this process; lava reports the signal.
 *
 * usage: lava-runner VARIANT.so JOBFILE
 *        lava-runner --wait      (prints "ready", then reads "VARIANT.so<tab>JOBFILE" from stdin: the
 *                                 form a pre-started worker in a pooled container takes)
 * JOBFILE lines:
 *   kernel NAME
 *   range DIM G0 G1 G2 L0 L1 L2
 *   threads N
 *   repeat R
 *   buffer BYTES rw|ro PATH        (buffer argument; rw buffers are written back)
 *   scalar BYTES HEX                (scalar argument, little-endian bytes)
 *   local BYTES                     (__local pointer argument)
 *   timelimit MS                    (wall-clock limit, enforced here as well as by the caller)
 *   memlimit BYTES                  (RLIMIT_DATA, where no memory cgroup applies)
 *   seccomp on|off                  (the worker's own system-call filter; default on)
 * stdout: one JSON report (report.h): {"status":"ok","kernel_ms":[...],"threads":N,...,"usage":{...}}
 * or status error|signal|forbidden|timeout. */
#define _GNU_SOURCE
#include "../host/lava_host.h"
#include "report.h"
#include "worker_guard.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 128

typedef struct arg {
    char kind; /* 'b' buffer, 's' scalar, 'l' local */
    int writable;
    uint64_t bytes;
    char path[4096];
    void *data;     /* buffer memory or scalar bytes */
    void *pristine; /* copy of a writable buffer's input, restored between repeats */
    void *slot;     /* what args[i] points at for buffers: the buffer pointer */
    int fd;         /* a writable buffer's file, open until the results are written */
} arg;

static void die(const char *fmt, const char *what)
{
    char message[8192];
    snprintf(message, sizeof message, fmt, what);
    fprintf(stderr, "error: %s\n", message);
    fflush(stderr);
    report r;
    report_begin(&r, "error");
    report_str(&r, "message", message);
    report_finish(&r);
    exit(2);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *alloc_aligned(uint64_t bytes)
{
    void *p = NULL;
    /* Pad so that vectorised tails never read past a page the kernel may legitimately touch. */
    if (posix_memalign(&p, 64, bytes + 64) != 0)
        die("%s", "out of memory for buffers");
    return p;
}

/* Buffers end at a PROT_NONE page, so a kernel that runs off the end of one crashes with SIGSEGV
 * instead of silently reading or corrupting a neighbour. The start stays 64-byte aligned. */
static void *alloc_guarded(uint64_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t aligned = (bytes + 63) & ~(uint64_t)63;
    size_t span = (aligned + page - 1) & ~(page - 1);
    char *base = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        die("%s", "out of memory for buffers");
    mprotect(base + span, page, PROT_NONE);
    /* Large buffers on huge pages where the kernel allows it: fewer TLB misses when streaming. */
    if (span >= (2u << 20))
        madvise(base, span, MADV_HUGEPAGE);
    return base + span - aligned;
}

/* Reads a buffer file; a writable buffer keeps its file open, because the results are written
 * back after the worker's seccomp filter has taken away open(). */
static void load_file(arg *a)
{
    int fd = open(a->path, a->writable ? O_RDWR : O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("cannot open buffer file %s", a->path);
    a->data = alloc_guarded(a->bytes);
    uint64_t done = 0;
    while (done < a->bytes) {
        ssize_t n = read(fd, (char *)a->data + done, a->bytes - done);
        if (n <= 0)
            die("buffer file %s is shorter than declared", a->path);
        done += (uint64_t)n;
    }
    if (a->writable)
        a->fd = fd;
    else
        close(fd);
}

static void save_file(const arg *a)
{
    uint64_t done = 0;
    while (done < a->bytes) {
        ssize_t n = pwrite(a->fd, (const char *)a->data + done, a->bytes - done, (off_t)done);
        if (n <= 0)
            die("cannot write buffer file %s", a->path);
        done += (uint64_t)n;
    }
    close(a->fd);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    static char variant[4096], job_path[4096];
    uint64_t ready_ns = monotonic_ns();
    report_open_status();
    if (argc == 2 && !strcmp(argv[1], "--wait")) {
        fputs("ready\n", stdout);
        fflush(stdout);
        char request[8300];
        if (!fgets(request, sizeof request, stdin) || sscanf(request, "%4095[^\t]\t%4095[^\n]", variant, job_path) != 2)
            die("%s", "expected 'VARIANT<tab>JOBFILE' on stdin");
        ready_ns = monotonic_ns();
    } else if (argc == 3) {
        snprintf(variant, sizeof variant, "%s", argv[1]);
        snprintf(job_path, sizeof job_path, "%s", argv[2]);
    } else {
        fprintf(stderr, "usage: lava-runner VARIANT.so JOBFILE | lava-runner --wait\n");
        return 2;
    }
    FILE *job = fopen(job_path, "r");
    if (!job)
        die("cannot open job file %s", job_path);

    static arg args[MAX_ARGS];
    void *argv_ptrs[MAX_ARGS];
    uint64_t local_bytes[MAX_ARGS];
    uint32_t nargs = 0;
    char kernel[512] = {0};
    lava_launch launch;
    memset(&launch, 0, sizeof launch);
    unsigned repeat = 1;
    uint64_t time_limit_ms = 0, memory_limit = 0;
    int seccomp = 1;
    char line[8192];
    while (fgets(line, sizeof line, job)) {
        char word[32];
        if (sscanf(line, "%31s", word) != 1)
            continue;
        if (!strcmp(word, "kernel")) {
            if (sscanf(line, "kernel %511s", kernel) != 1)
                die("%s", "bad kernel line");
        } else if (!strcmp(word, "range")) {
            unsigned long long g[3], l[3];
            unsigned dim;
            if (sscanf(line, "range %u %llu %llu %llu %llu %llu %llu", &dim, &g[0], &g[1], &g[2], &l[0], &l[1], &l[2]) != 7)
                die("%s", "bad range line");
            launch.work_dim = dim;
            for (int d = 0; d < 3; d++) {
                launch.global[d] = g[d];
                launch.local[d] = l[d];
            }
        } else if (!strcmp(word, "threads")) {
            sscanf(line, "threads %u", &launch.threads);
        } else if (!strcmp(word, "repeat")) {
            sscanf(line, "repeat %u", &repeat);
        } else if (!strcmp(word, "timelimit")) {
            unsigned long long ms;
            if (sscanf(line, "timelimit %llu", &ms) != 1)
                die("%s", "bad timelimit line");
            time_limit_ms = ms;
            guard_time_limit(time_limit_ms);
        } else if (!strcmp(word, "memlimit")) {
            unsigned long long bytes;
            if (sscanf(line, "memlimit %llu", &bytes) != 1)
                die("%s", "bad memlimit line");
            memory_limit = bytes;
            if (guard_memory_limit(memory_limit) != 0)
                die("cannot set the memory limit: %s", strerror(errno));
        } else if (!strcmp(word, "seccomp")) {
            char mode[8];
            if (sscanf(line, "seccomp %7s", mode) != 1)
                die("%s", "bad seccomp line");
            seccomp = strcmp(mode, "off") != 0;
        } else {
            if (nargs == MAX_ARGS)
                die("%s", "too many arguments");
            arg *a = &args[nargs];
            unsigned long long bytes;
            if (!strcmp(word, "buffer")) {
                char mode[8];
                if (sscanf(line, "buffer %llu %7s %4095[^\n]", &bytes, mode, a->path) != 3)
                    die("%s", "bad buffer line");
                a->kind = 'b';
                a->bytes = bytes;
                a->writable = !strcmp(mode, "rw");
                load_file(a);
                a->slot = a->data;
                argv_ptrs[nargs] = &a->slot;
                local_bytes[nargs] = 0;
            } else if (!strcmp(word, "scalar")) {
                char hex[4096];
                if (sscanf(line, "scalar %llu %4095s", &bytes, hex) != 2 || strlen(hex) != bytes * 2)
                    die("%s", "bad scalar line");
                a->kind = 's';
                a->bytes = bytes;
                a->data = alloc_aligned(bytes);
                for (unsigned long long i = 0; i < bytes; i++) {
                    unsigned v;
                    sscanf(hex + 2 * i, "%2x", &v);
                    ((unsigned char *)a->data)[i] = (unsigned char)v;
                }
                argv_ptrs[nargs] = a->data;
                local_bytes[nargs] = 0;
            } else if (!strcmp(word, "local")) {
                if (sscanf(line, "local %llu", &bytes) != 1)
                    die("%s", "bad local line");
                a->kind = 'l';
                a->bytes = bytes;
                argv_ptrs[nargs] = NULL;
                local_bytes[nargs] = bytes ? bytes : 1;
            } else {
                die("unknown job line '%s'", word);
            }
            nargs++;
        }
    }
    fclose(job);

    void *lib = dlopen(variant, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        die("cannot load variant: %s", dlerror());
    char sym[600];
    snprintf(sym, sizeof sym, "__lava_wg_%s", kernel);
    lava_wg_fn fn = (lava_wg_fn)dlsym(lib, sym);
    if (!fn)
        die("variant has no kernel named %s", kernel);
    int (*run)(lava_wg_fn, const lava_launch *) = (int (*)(lava_wg_fn, const lava_launch *))dlsym(lib, "lava_run_ndrange");
    if (!run)
        die("%s", "variant lacks lava_run_ndrange");

    launch.nargs = nargs;
    launch.args = argv_ptrs;
    launch.local_arg_bytes = local_bytes;
    if (repeat < 1)
        repeat = 1;
    if (repeat > 1)
        for (uint32_t i = 0; i < nargs; i++)
            if (args[i].kind == 'b' && args[i].writable) {
                args[i].pristine = malloc(args[i].bytes ? args[i].bytes : 1);
                memcpy(args[i].pristine, args[i].data, args[i].bytes);
            }

    /* Names and sizes of the buffers, for a crash report that says what an overrun may have hit. */
    static char buffers[2048];
    size_t used = 0;
    for (uint32_t i = 0; i < nargs && used < sizeof buffers - 64; i++)
        if (args[i].kind == 'b')
            used += (size_t)snprintf(buffers + used, sizeof buffers - used, "%sarg%u[%llu bytes]", used ? ", " : "", i, (unsigned long long)args[i].bytes);
    /* Resolved here: counting the cores reads /sys, which the filter below forbids. */
    if (!launch.threads) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        launch.threads = online > 0 ? (uint32_t)online : 1;
    }
    guard_install_reporters(kernel, buffers);
    /* The kernel could write through the descriptors kept open for the results: no file may grow
     * beyond the largest buffer (writes past it fail with EFBIG instead of filling the disk). */
    uint64_t largest = 1;
    for (uint32_t i = 0; i < nargs; i++)
        if (args[i].kind == 'b' && args[i].bytes > largest)
            largest = args[i].bytes;
    guard_file_size_limit(largest);
    const char *filter = seccomp ? guard_seccomp() : "off";

    double *times = calloc(repeat, sizeof(double));
    uint64_t entered_ns = 0;
    for (unsigned r = 0; r < repeat; r++) {
        if (r > 0)
            for (uint32_t i = 0; i < nargs; i++)
                if (args[i].pristine)
                    memcpy(args[i].data, args[i].pristine, args[i].bytes);
        double t0 = now_ms();
        if (r == 0)
            entered_ns = monotonic_ns();
        int rc = run(fn, &launch);
        times[r] = now_ms() - t0;
        if (rc != 0)
            die("launch failed: %s", strerror(rc));
    }
    /* The kernel is done: no time-out report may interleave with the results from here on. */
    guard_finish();
    for (uint32_t i = 0; i < nargs; i++)
        if (args[i].kind == 'b' && args[i].writable)
            save_file(&args[i]);

    qsort(times, repeat, sizeof(double), cmp_double);
    char list[12000];
    size_t len = 0;
    list[len++] = '[';
    for (unsigned r = 0; r < repeat && len < sizeof list - 40; r++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%.6f", r ? "," : "", times[r]);
    snprintf(list + len, sizeof list - len, "]");
    fflush(stderr);
    report rep;
    report_begin(&rep, "ok");
    report_raw(&rep, "kernel_ms", list);
    report_u64(&rep, "threads", launch.threads);
    report_u64(&rep, "ready_ns", ready_ns);
    report_u64(&rep, "entered_ns", entered_ns);
    report_str(&rep, "seccomp", filter);
    report_finish(&rep);
    return 0;
}
