/* Hand-built variants that do what the link-time allowlist would never let a packaged kernel do:
 * the sandbox tests load them directly to prove that the sandbox alone stops each attack.
 * Each kernel writes what it observed into out[]: out[0] a result, out[1] errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#define KERNEL(name) __attribute__((visibility("default"))) void __lava_wg_##name(void **args, void *wg)
#define OUT ((int64_t *)*(void **)args[0])

KERNEL(read_passwd)
{
    (void)wg;
    int fd = open("/etc/passwd", O_RDONLY);
    OUT[1] = errno;
    char buf[64];
    OUT[0] = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
}

KERNEL(network)
{
    (void)wg;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    OUT[1] = errno;
    OUT[0] = s;
    if (s >= 0) {
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(80), .sin_addr = {htonl(0x01010101)}};
        OUT[0] = connect(s, (struct sockaddr *)&addr, sizeof addr) == 0 ? 1000 : s;
        OUT[1] = errno;
    }
}

KERNEL(fork_bomb)
{
    (void)wg;
    int64_t made = 0;
    for (int i = 0; i < 100000; i++) {
        pid_t pid = fork();
        if (pid == 0)
            for (;;)
                pause();
        if (pid < 0) {
            OUT[1] = errno;
            break;
        }
        made++;
    }
    OUT[0] = made;
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

KERNEL(thread_bomb)
{
    (void)wg;
    int64_t made = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (int i = 0; i < 100000; i++) {
        pthread_t t;
        int rc = pthread_create(&t, &attr, sleeper, NULL);
        if (rc != 0) {
            OUT[1] = rc;
            break;
        }
        made++;
    }
    OUT[0] = made;
}

KERNEL(exec_shell)
{
    (void)wg;
    char *argv[] = {"sh", "-c", "echo pwned > /job/pwned", NULL};
    char *envp[] = {NULL};
    OUT[0] = execve("/bin/sh", argv, envp);
    OUT[1] = errno;
}

KERNEL(trace_init)
{
    (void)wg;
    OUT[0] = ptrace(PTRACE_ATTACH, 1, NULL, NULL);
    OUT[1] = errno;
}

/* args[1] is a scalar: the path (as 8 characters of the file name under several directories). */
KERNEL(write_outside)
{
    (void)wg;
    const char *paths[] = {"/lava-escape", "/usr/lava-escape", "/tmp/lava-escape", "/job/../lava-escape", "/lava/runtime/lava-escape"};
    int64_t opened = 0, last = 0;
    for (unsigned i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        int fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            opened++;
            close(fd);
        } else {
            last = errno;
        }
    }
    OUT[0] = opened;
    OUT[1] = last;
}

KERNEL(spin)
{
    (void)wg;
    volatile int64_t *out = OUT;
    for (;;)
        out[0]++;
}

KERNEL(oob_write)
{
    (void)wg;
    int64_t *out = OUT;
    for (int64_t i = 0;; i += 512)
        out[i] = i;
}

/* Allocations escape through here, or the compiler would elide them. */
void *volatile g_sink;

KERNEL(hog_memory)
{
    (void)wg;
    int64_t chunks = 0;
    for (;;) {
        char *p = malloc(16 << 20);
        if (!p)
            break;
        memset(p, 1, 16 << 20);
        g_sink = p;
        chunks++;
        OUT[0] = chunks;
    }
    OUT[1] = ENOMEM;
}

/* Busy for args[1] (int64, milliseconds) of CPU on one thread after touching args[2] MiB. */
KERNEL(burn)
{
    (void)wg;
    int64_t ms = *(int64_t *)args[1];
    int64_t mib = *(int64_t *)args[2];
    char *p = malloc((size_t)mib << 20);
    if (p)
        memset(p, 7, (size_t)mib << 20);
    g_sink = p;
    struct timespec start, now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    volatile uint64_t x = 0;
    do {
        for (int i = 0; i < 100000; i++)
            x += (uint64_t)i;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
    OUT[0] = (int64_t)x;
}

/* out[0]: the loopback interface's flags (IFF_UP is 1), or -1 when they cannot be read. */
KERNEL(loopback_flags)
{
    (void)wg;
    char text[32] = {0};
    int fd = open("/sys/class/net/lo/flags", O_RDONLY);
    OUT[1] = errno;
    OUT[0] = fd >= 0 && read(fd, text, sizeof text - 1) > 0 ? strtol(text, NULL, 16) : -1;
}

KERNEL(close_stdout_spin)
{
    (void)wg;
    close(1);
    volatile int64_t *out = OUT;
    for (;;)
        out[0]++;
}

/* 64 MiB of text on stderr, then done. */
KERNEL(flood)
{
    (void)wg;
    static char line[4096];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 16384; i++)
        if (write(2, line, sizeof line) < 0)
            break;
    OUT[0] = 42;
}

/* Tries to grow the open result files (the worker keeps them open) to 1 GiB. */
KERNEL(grow_files)
{
    (void)wg;
    int64_t grown = 0, refused = 0;
    /* ftruncate is outside the worker's allowlist; pwrite is how results are written. */
    for (int fd = 3; fd < 64; fd++) {
        if (pwrite(fd, "x", 1, (1L << 30) - 1) == 1)
            grown++;
        else if (errno == EFBIG)
            refused++;
    }
    OUT[0] = grown;
    OUT[1] = refused; /* attempts refused with EFBIG: the result file was there to attack */
}

KERNEL(good)
{
    (void)wg;
    OUT[0] = 42;
    OUT[1] = 0;
}

/* A fake success report on every descriptor that could be the report channel, then an exit before
 * the worker's own: lava must not believe it. */
KERNEL(forge_report)
{
    (void)wg;
    static const char fake[] = "{\"status\":\"ok\",\"kernel_ms\":[-5.0],\"threads\":1,\"entered_ns\":1}\n";
    for (int fd = 1; fd < 256; fd++)
        write(fd, fake, sizeof fake - 1);
    _exit(0);
}

extern char **environ;

/* out[0]: how many environment variables the worker has; out[1]: 1 when anything beyond PATH is there. */
KERNEL(count_env)
{
    (void)wg;
    int64_t n = 0, other = 0;
    for (char **e = environ; *e; e++) {
        n++;
        if (strncmp(*e, "PATH=", 5) != 0)
            other = 1;
    }
    OUT[0] = n;
    OUT[1] = other;
}
