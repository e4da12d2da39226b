#define _GNU_SOURCE
#include "job.h"
#include "report.h"
#include "worker_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

_Noreturn void die(const char *fmt, const char *what)
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

double now_ms(void)
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

/* Reads a buffer file: a regular file, never followed through a link, exactly its declared size.
 * A writable buffer keeps its file open, because the results are written back after the
 * worker's seccomp filter has taken away open(). */
static void load_file(job_arg *a)
{
    int fd = open(a->path, (a->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        die("cannot open buffer file %s", a->path);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        die("buffer file %s is not a regular file", a->path);
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

void job_save(const job *j)
{
    for (uint32_t i = 0; i < j->nargs; i++) {
        const job_arg *a = &j->args[i];
        if (a->kind != 'b' || !a->writable)
            continue;
        uint64_t done = 0;
        while (done < a->bytes) {
            ssize_t n = pwrite(a->fd, (const char *)a->data + done, a->bytes - done, (off_t)done);
            if (n <= 0)
                die("cannot write buffer file %s", a->path);
            done += (uint64_t)n;
        }
        close(a->fd);
    }
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void read_argument(job *j, const char *word, const char *line)
{
    if (j->nargs == JOB_MAX_ARGS)
        die("%s", "too many arguments");
    job_arg *a = &j->args[j->nargs];
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
    } else if (!strcmp(word, "scalar")) {
        char hex[4096];
        if (sscanf(line, "scalar %llu %4095s", &bytes, hex) != 2 || bytes > 2048 || strlen(hex) != bytes * 2)
            die("%s", "bad scalar line");
        a->kind = 's';
        a->bytes = bytes;
        a->data = alloc_aligned(bytes);
        for (unsigned long long i = 0; i < bytes; i++) {
            int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
            if (hi < 0 || lo < 0)
                die("%s", "bad scalar line");
            ((unsigned char *)a->data)[i] = (unsigned char)(hi << 4 | lo);
        }
    } else if (!strcmp(word, "local")) {
        if (sscanf(line, "local %llu", &bytes) != 1)
            die("%s", "bad local line");
        a->kind = 'l';
        a->bytes = bytes ? bytes : 1;
    } else {
        die("unknown job line '%s'", word);
    }
    j->nargs++;
}

void job_read(job *j, const char *path)
{
    memset(j, 0, sizeof *j);
    strcpy(j->device, "cpu");
    j->repeat = 1;
    j->seccomp = 1;
    FILE *f = fopen(path, "re");
    if (!f)
        die("cannot open job file %s", path);
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        char word[32];
        if (sscanf(line, "%31s", word) != 1)
            continue;
        if (!strcmp(word, "device")) {
            if (sscanf(line, "device %15s", j->device) != 1)
                die("%s", "bad device line");
        } else if (!strcmp(word, "kernel")) {
            if (sscanf(line, "kernel %511s", j->kernel) != 1)
                die("%s", "bad kernel line");
        } else if (!strcmp(word, "range")) {
            unsigned long long g[3], l[3];
            if (sscanf(line, "range %u %llu %llu %llu %llu %llu %llu", &j->dim, &g[0], &g[1], &g[2], &l[0], &l[1], &l[2]) != 7 || j->dim < 1 || j->dim > 3)
                die("%s", "bad range line");
            for (int d = 0; d < 3; d++) {
                if (!g[d] || !l[d] || g[d] % l[d])
                    die("%s", "bad range line");
                j->global[d] = g[d];
                j->local[d] = l[d];
            }
        } else if (!strcmp(word, "threads")) {
            sscanf(line, "threads %u", &j->threads);
        } else if (!strcmp(word, "repeat")) {
            sscanf(line, "repeat %u", &j->repeat);
        } else if (!strcmp(word, "clopts")) {
            const char *options = line + strlen("clopts");
            while (*options == ' ')
                options++;
            size_t n = strcspn(options, "\n");
            if (n >= sizeof j->clopts)
                die("%s", "bad clopts line (too long)");
            for (size_t i = 0; i < n; i++)
                if (!(isalnum((unsigned char)options[i]) || strchr(" -_=.,+", options[i])))
                    die("%s", "bad clopts line (only letters, digits and - _ = . , +)");
            memcpy(j->clopts, options, n);
            j->clopts[n] = 0;
        } else if (!strcmp(word, "warmup")) {
            if (sscanf(line, "warmup %u", &j->warmup) != 1 || j->warmup > 100000)
                die("%s", "bad warmup line (0 to 100000)");
        } else if (!strcmp(word, "fp64")) {
            j->fp64 = 1;
        } else if (!strcmp(word, "timelimit")) {
            unsigned long long ms;
            if (sscanf(line, "timelimit %llu", &ms) != 1)
                die("%s", "bad timelimit line");
            j->time_limit_ms = ms;
            guard_time_limit(ms);
        } else if (!strcmp(word, "memlimit")) {
            unsigned long long bytes;
            if (sscanf(line, "memlimit %llu", &bytes) != 1)
                die("%s", "bad memlimit line");
            j->memory_limit = bytes;
            if (guard_memory_limit(bytes) != 0)
                die("cannot set the memory limit: %s", strerror(errno));
        } else if (!strcmp(word, "seccomp")) {
            char mode[16];
            if (sscanf(line, "seccomp %15s", mode) != 1)
                die("%s", "bad seccomp line");
            j->seccomp = !strcmp(mode, "off") ? SECCOMP_OFF : !strcmp(mode, "optional") ? SECCOMP_OPTIONAL : SECCOMP_ON;
        } else {
            read_argument(j, word, line);
        }
    }
    fclose(f);
    if (!j->kernel[0] || !j->dim)
        die("%s", "the job file names no kernel or range");
    if (j->repeat < 1)
        j->repeat = 1;
    if (j->repeat > 1000000)
        die("%s", "bad repeat line (at most 1000000)");
}

void job_describe_buffers(const job *j, char *out, size_t size)
{
    size_t used = 0;
    out[0] = 0;
    for (uint32_t i = 0; i < j->nargs && used < size - 64; i++)
        if (j->args[i].kind == 'b')
            used += (size_t)snprintf(out + used, size - used, "%sarg%u[%llu bytes]", used ? ", " : "", i, (unsigned long long)j->args[i].bytes);
}

uint64_t job_largest_buffer(const job *j)
{
    uint64_t largest = 1;
    for (uint32_t i = 0; i < j->nargs; i++)
        if (j->args[i].kind == 'b' && j->args[i].bytes > largest)
            largest = j->args[i].bytes;
    return largest;
}
