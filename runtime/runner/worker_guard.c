#define _GNU_SOURCE
#include "worker_guard.h"
#include "report.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "unsupported architecture"
#endif

typedef struct denied {
    long nr;
    const char *name;
} denied;

#define DENY(call) {SYS_##call, #call}
/* What a kernel never needs: files, processes, the network, other processes' memory, the
 * machine's configuration. Calls that do not exist on an architecture are left out. */
static const denied g_denied[] = {
#ifdef SYS_open
    DENY(open),
#endif
#ifdef SYS_creat
    DENY(creat),
#endif
#ifdef SYS_fork
    DENY(fork),
#endif
#ifdef SYS_vfork
    DENY(vfork),
#endif
#ifdef SYS_link
    DENY(link), DENY(unlink), DENY(rename), DENY(mkdir), DENY(rmdir), DENY(symlink), DENY(chmod),
    DENY(chown), DENY(mknod),
#endif
    DENY(openat), DENY(openat2), DENY(open_by_handle_at), DENY(name_to_handle_at),
    DENY(execve), DENY(execveat), DENY(socket), DENY(socketpair), DENY(connect), DENY(bind),
    DENY(listen), DENY(accept), DENY(accept4), DENY(ptrace), DENY(process_vm_readv),
    DENY(process_vm_writev), DENY(pidfd_open), DENY(pidfd_getfd), DENY(linkat), DENY(unlinkat),
    DENY(renameat), DENY(renameat2), DENY(mkdirat), DENY(symlinkat), DENY(fchmodat), DENY(fchownat),
    DENY(mknodat), DENY(truncate), DENY(mount), DENY(umount2), DENY(pivot_root), DENY(chroot),
    DENY(unshare), DENY(setns), DENY(init_module), DENY(finit_module), DENY(delete_module),
    DENY(kexec_load), DENY(bpf), DENY(perf_event_open), DENY(keyctl), DENY(add_key),
    DENY(request_key), DENY(userfaultfd), DENY(io_uring_setup), DENY(personality), DENY(reboot),
    DENY(swapon), DENY(swapoff), DENY(sethostname), DENY(setdomainname), DENY(acct),
    DENY(quotactl), DENY(fanotify_init), DENY(inotify_init1), DENY(memfd_create),
};

static const char *g_kernel = "?";
static const char *g_buffers = "";
static uint64_t g_limit_ms;

static const char *denied_name(long nr)
{
    for (size_t i = 0; i < sizeof g_denied / sizeof g_denied[0]; i++)
        if (g_denied[i].nr == nr)
            return g_denied[i].name;
    return nr == SYS_clone ? "clone (a new process)" : "a system call outside the allowlist";
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGTRAP: return "SIGTRAP";
    default: return "signal";
    }
}

/* The first thread to report wins; others (several threads fault at once when a kernel runs off
 * a buffer) wait for the exit instead of interleaving a second report. */
static volatile sig_atomic_t g_reporting;

static void claim_report(void)
{
    if (__atomic_exchange_n(&g_reporting, 1, __ATOMIC_SEQ_CST))
        for (;;)
            pause();
}

/* Static, not on the stack: the handler may run on a pool thread's stack or the small alternate
 * stack, and only the thread that claims the report uses it. */
static report g_report;

static void on_fatal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    claim_report();
    report *r = &g_report;
    if (sig == SIGSYS) {
        report_begin(r, "forbidden");
        report_str(r, "kernel", g_kernel);
        report_str(r, "syscall", denied_name(info->si_syscall));
        report_u64(r, "nr", (uint64_t)(unsigned)info->si_syscall);
    } else {
        report_begin(r, "signal");
        report_str(r, "kernel", g_kernel);
        report_u64(r, "signal", (uint64_t)sig);
        report_str(r, "name", signal_name(sig));
        report_u64(r, "address", (uint64_t)(uintptr_t)info->si_addr);
        report_str(r, "buffers", g_buffers);
    }
    report_finish(r);
    _exit(128 + sig);
}

static void on_alarm(int sig)
{
    (void)sig;
    claim_report();
    report_begin(&g_report, "timeout");
    report_str(&g_report, "kernel", g_kernel);
    report_u64(&g_report, "limit_ms", g_limit_ms);
    report_finish(&g_report);
    _exit(124);
}

void guard_install_reporters(const char *kernel, const char *buffers)
{
    g_kernel = kernel;
    g_buffers = buffers;
    /* An alternate stack, so that a stack overflow on this thread is still reported. */
    static char alt[256 * 1024];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK; /* no SA_RESETHAND: a second faulting thread must wait, not die */
    /* Nothing else is delivered while a report is written: a nested signal frame on the small
     * alternate stack could fail, and the kernel then kills the worker before it reports. */
    sigfillset(&sa.sa_mask);
    const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        sigaction(fatal[i], &sa, NULL);
}

void guard_time_limit(uint64_t ms)
{
    if (!ms)
        return;
    g_limit_ms = ms;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigfillset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = (time_t)(ms / 1000);
    t.it_value.tv_usec = (suseconds_t)(ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &t, NULL);
}

void guard_finish(void)
{
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_REAL, &off, NULL);
    claim_report();
}

void guard_file_size_limit(uint64_t bytes)
{
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {bytes, bytes};
    setrlimit(RLIMIT_FSIZE, &rl);
}

int guard_memory_limit(uint64_t bytes)
{
    if (!bytes)
        return 0;
    struct rlimit rl = {bytes, bytes};
    return setrlimit(RLIMIT_DATA, &rl) == 0 ? 0 : errno;
}

const char *guard_seccomp(void)
{
    enum { MAX = 3 * (sizeof g_denied / sizeof g_denied[0]) + 32 };
    struct sock_filter f[MAX];
    unsigned n = 0;
#define EMIT(x) f[n++] = (struct sock_filter)x
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
#if defined(__x86_64__)
    /* x32 system calls: another numbering of the same calls. */
    EMIT(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#endif
    for (size_t i = 0; i < sizeof g_denied / sizeof g_denied[0]; i++) {
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)g_denied[i].nr, 0, 1));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
    }
    /* clone3 hides its flags behind a pointer: ENOSYS makes libc fall back to clone. */
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
    /* clone: threads yes (the runtime's pool), processes no. */
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4));
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
#undef EMIT
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return "unavailable";
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        return "unavailable";
    return "on";
}
