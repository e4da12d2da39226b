/* lava-runner: loads one CPU variant (.so) and runs one kernel over buffers held in files.
 * It runs in a process of its own (natively, or under qemu-aarch64), so a kernel that crashes
 * takes down only this process; lava reports the signal.
 *
 * usage: lava-runner VARIANT.so JOBFILE
 * JOBFILE lines:
 *   kernel NAME
 *   range DIM G0 G1 G2 L0 L1 L2
 *   threads N
 *   repeat R
 *   buffer BYTES rw|ro PATH        (buffer argument; rw buffers are written back)
 *   scalar BYTES HEX                (scalar argument, little-endian bytes)
 *   local BYTES                     (__local pointer argument)
 * stdout: one JSON object {"kernel_ms":[...],"threads":N} */
#define _GNU_SOURCE
#include "../host/lava_host.h"

#include <dlfcn.h>
#include <errno.h>
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
} arg;

static void die(const char *fmt, const char *what)
{
    fprintf(stderr, "error: ");
    fprintf(stderr, fmt, what);
    fputc('\n', stderr);
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

static void load_file(arg *a)
{
    FILE *f = fopen(a->path, "rb");
    if (!f)
        die("cannot open buffer file %s", a->path);
    a->data = alloc_guarded(a->bytes);
    if (a->bytes && fread(a->data, 1, a->bytes, f) != a->bytes)
        die("buffer file %s is shorter than declared", a->path);
    fclose(f);
}

static void save_file(const arg *a)
{
    FILE *f = fopen(a->path, "wb");
    if (!f || (a->bytes && fwrite(a->data, 1, a->bytes, f) != a->bytes))
        die("cannot write buffer file %s", a->path);
    fclose(f);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: lava-runner VARIANT.so JOBFILE\n");
        return 2;
    }
    FILE *job = fopen(argv[2], "r");
    if (!job)
        die("cannot open job file %s", argv[2]);

    static arg args[MAX_ARGS];
    void *argv_ptrs[MAX_ARGS];
    uint64_t local_bytes[MAX_ARGS];
    uint32_t nargs = 0;
    char kernel[512] = {0};
    lava_launch launch;
    memset(&launch, 0, sizeof launch);
    unsigned repeat = 1;
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

    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
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

    double *times = calloc(repeat, sizeof(double));
    for (unsigned r = 0; r < repeat; r++) {
        if (r > 0)
            for (uint32_t i = 0; i < nargs; i++)
                if (args[i].pristine)
                    memcpy(args[i].data, args[i].pristine, args[i].bytes);
        double t0 = now_ms();
        int rc = run(fn, &launch);
        times[r] = now_ms() - t0;
        if (rc != 0)
            die("launch failed: %s", strerror(rc));
    }
    for (uint32_t i = 0; i < nargs; i++)
        if (args[i].kind == 'b' && args[i].writable)
            save_file(&args[i]);

    qsort(times, repeat, sizeof(double), cmp_double);
    printf("{\"kernel_ms\":[");
    for (unsigned r = 0; r < repeat; r++)
        printf("%s%.6f", r ? "," : "", times[r]);
    printf("],\"threads\":%u}\n", launch.threads);
    return 0;
}
