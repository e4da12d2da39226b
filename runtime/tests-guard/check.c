/* Checks the worker's seccomp allowlists (runtime/runner/worker_guard.c) call by call: each case
 * runs in a child that installs a profile's filter and makes one call; a trapped call ends the
 * child with SIGSYS. Prints one line per mismatch and exits 1 when any case is wrong.
 * usage: check-guard */
#define _GNU_SOURCE
#include "../runner/worker_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct probe {
    const char *name;
    guard_profile profile;
    guard_phase phase;
    int allowed; /* 1: the call goes through; 0: SIGSYS */
    void (*call)(void);
} probe;

static pid_t g_parent;

static void *nothing(void *arg) { return arg; }
static void open_read(void) { close(open("/proc/self/status", O_RDONLY)); }
static void open_write(void) { close(open("/tmp/lava-guard-check", O_WRONLY | O_CREAT, 0600)); unlink("/tmp/lava-guard-check"); }
static void thread(void) { pthread_t t; if (pthread_create(&t, NULL, nothing, NULL) == 0) pthread_join(t, NULL); }
static void process(void) { pid_t p = fork(); if (p == 0) _exit(0); if (p > 0) waitpid(p, NULL, 0); }
static void namespace(void) { syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0); }
static void unshare_user(void) { unshare(CLONE_NEWUSER); }
static void network(void) { close(socket(AF_INET, SOCK_STREAM, 0)); }
static void signal_self(void) { kill(getpid(), 0); }
static void signal_parent(void) { kill(g_parent, 0); }
static void signal_group(void) { kill(0, 0); }
static void fcntl_getfl(void) { fcntl(1, F_GETFL); }
static void fcntl_nonblock(void) { fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK); }
static void fcntl_async(void) { fcntl(1, F_SETFL, O_ASYNC); }
static void fcntl_setown(void) { fcntl(1, F_SETOWN, g_parent); }
static void fcntl_setsig(void) { fcntl(1, F_SETSIG, SIGKILL); }
static void limits_self(void) { struct rlimit r; prlimit(0, RLIMIT_NOFILE, NULL, &r); }
static void limits_parent(void) { struct rlimit r; prlimit(g_parent, RLIMIT_NOFILE, NULL, &r); }
static void sched_self(void) { struct sched_param p; sched_getparam(0, &p); }
static void sched_parent(void) { struct sched_param p; sched_getparam(g_parent, &p); }
static void terminal(void) { int v; if (ioctl(1, FIONREAD, &v) == 0 || errno != ENOTTY) _exit(3); }
static void memory(void) { munmap(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 4096); }
static void run_program(void) { pid_t p = vfork(); if (p == 0) { execl("/bin/true", "true", (char *)NULL); _exit(1); } if (p > 0) waitpid(p, NULL, 0); }
static void exec_self(void) { execl("/bin/true", "true", (char *)NULL); }
static void memfd(void) { syscall(SYS_memfd_create, "x", 0); }
static void trace(void) { syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, g_parent, 0, 0); }

#define K GUARD_KERNEL
#define R GUARD_RUNTIME
#define LOAD GUARD_LOAD
#define RUN GUARD_RUN
static const probe probes[] = {
    {"kernel load: openat read-only", K, LOAD, 1, open_read},
    {"kernel load: openat for writing", K, LOAD, 0, open_write},
    {"kernel run: openat read-only", K, RUN, 0, open_read},
    {"kernel run: a thread", K, RUN, 1, thread},
    {"kernel run: a process", K, RUN, 0, process},
    {"kernel run: a new user namespace by clone", K, RUN, 0, namespace},
    {"kernel run: unshare", K, RUN, 0, unshare_user},
    {"kernel run: socket", K, RUN, 0, network},
    {"kernel run: kill itself", K, RUN, 1, signal_self},
    {"kernel run: kill its parent", K, RUN, 0, signal_parent},
    {"kernel run: kill its process group", K, RUN, 0, signal_group},
    {"kernel run: fcntl F_GETFL", K, RUN, 1, fcntl_getfl},
    {"kernel run: fcntl F_SETFL O_NONBLOCK", K, RUN, 1, fcntl_nonblock},
    {"kernel run: fcntl F_SETFL O_ASYNC", K, RUN, 0, fcntl_async},
    {"kernel run: fcntl F_SETOWN", K, RUN, 0, fcntl_setown},
    {"kernel run: fcntl F_SETSIG", K, RUN, 0, fcntl_setsig},
    {"kernel run: prlimit of itself", K, RUN, 1, limits_self},
    {"kernel run: prlimit of its parent", K, RUN, 0, limits_parent},
    {"kernel run: sched_getparam of itself", K, RUN, 1, sched_self},
    {"kernel run: sched_getparam of its parent", K, RUN, 0, sched_parent},
    {"kernel run: ioctl answers ENOTTY", K, RUN, 1, terminal},
    {"kernel run: mmap", K, RUN, 1, memory},
    {"kernel run: execve", K, RUN, 0, exec_self},
    {"kernel run: memfd_create", K, RUN, 0, memfd},
    {"kernel run: ptrace", K, RUN, 0, trace},
    {"runtime run: openat for writing", R, RUN, 1, open_write},
    {"runtime run: a process running a program", R, RUN, 1, run_program},
    {"runtime run: a new user namespace by clone", R, RUN, 0, namespace},
    {"runtime run: unshare", R, RUN, 0, unshare_user},
    {"runtime run: socket", R, RUN, 0, network},
    {"runtime run: kill its parent", R, RUN, 0, signal_parent},
    {"runtime run: fcntl F_SETOWN", R, RUN, 0, fcntl_setown},
    {"runtime run: memfd_create", R, RUN, 0, memfd},
    {"runtime run: ptrace", R, RUN, 0, trace},
};

int main(void)
{
    g_parent = getpid();
    int wrong = 0;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        const probe *p = &probes[i];
        pid_t child = fork();
        if (child == 0) {
            if (strcmp(guard_seccomp(p->profile, GUARD_LOAD), "on") != 0)
                _exit(2);
            if (p->phase == GUARD_RUN && strcmp(guard_seccomp(p->profile, GUARD_RUN), "on") != 0)
                _exit(2);
            p->call();
            _exit(0);
        }
        int status = 0;
        waitpid(child, &status, 0);
        int trapped = WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
        int passed = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
            printf("no filter: cannot install seccomp here (%s)\n", p->name);
            return 0;
        }
        if ((p->allowed && !passed) || (!p->allowed && !trapped)) {
            printf("wrong: %s: expected %s, got %s %d\n", p->name, p->allowed ? "allowed" : "SIGSYS",
                   WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            wrong++;
        }
    }
    printf("guard: %zu cases, %d wrong\n", sizeof probes / sizeof probes[0], wrong);
    return wrong ? 1 : 0;
}
