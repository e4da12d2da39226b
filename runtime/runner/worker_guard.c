#define _GNU_SOURCE
#include "worker_guard.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
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

/* Calls every worker may make: memory, threads, time, signals, its own identity, and reads and
 * writes on descriptors it already has. Calls that do not exist on an architecture are left out. */
#define ALLOW(call) SYS_##call
static const long g_base[] = {
    ALLOW(read), ALLOW(write), ALLOW(readv), ALLOW(writev), ALLOW(pread64), ALLOW(pwrite64),
    ALLOW(lseek), ALLOW(close), ALLOW(fstat), ALLOW(newfstatat), ALLOW(statx),
    ALLOW(dup), ALLOW(dup3), ALLOW(getcwd), ALLOW(readlinkat), ALLOW(faccessat),
#ifdef SYS_faccessat2
    ALLOW(faccessat2),
#endif
#ifdef SYS_stat
    ALLOW(stat), ALLOW(lstat), ALLOW(access), ALLOW(readlink), ALLOW(dup2),
#endif
    ALLOW(mmap), ALLOW(munmap), ALLOW(mprotect), ALLOW(mremap), ALLOW(madvise), ALLOW(brk),
    ALLOW(mincore), ALLOW(membarrier),
    ALLOW(rt_sigaction), ALLOW(rt_sigprocmask), ALLOW(rt_sigreturn), ALLOW(sigaltstack),
    ALLOW(rt_sigsuspend), ALLOW(rt_sigtimedwait), ALLOW(ppoll),
#ifdef SYS_pause
    ALLOW(pause), /* a second faulting thread waits for the first one's report */
#endif
    ALLOW(getpid), ALLOW(gettid), ALLOW(getppid), ALLOW(getuid), ALLOW(geteuid), ALLOW(getgid),
    ALLOW(getegid), ALLOW(getresuid), ALLOW(getresgid), ALLOW(uname), ALLOW(prctl),
#ifdef SYS_arch_prctl
    ALLOW(arch_prctl),
#endif
    ALLOW(set_tid_address), ALLOW(set_robust_list), ALLOW(rseq),
    ALLOW(exit), ALLOW(exit_group),
    ALLOW(futex), ALLOW(sched_yield), ALLOW(sched_getaffinity), ALLOW(sched_setaffinity),
    ALLOW(getcpu),
    ALLOW(nanosleep), ALLOW(clock_nanosleep), ALLOW(clock_gettime), ALLOW(clock_getres),
    ALLOW(gettimeofday), ALLOW(setitimer), ALLOW(getitimer),
#ifdef SYS_time
    ALLOW(time),
#endif
    ALLOW(getrandom), ALLOW(getrusage), ALLOW(getrlimit), ALLOW(sysinfo), ALLOW(times),
    ALLOW(seccomp), /* only ever narrows: the run phase adds its filter */
};

/* What a device runtime adds: it writes its compile cache and starts the linker. */
static const long g_runtime[] = {
    ALLOW(openat), ALLOW(mkdirat), ALLOW(renameat), ALLOW(unlinkat), ALLOW(fchmodat),
    ALLOW(fchmod), ALLOW(ftruncate), ALLOW(fallocate), ALLOW(fsync), ALLOW(fdatasync),
    ALLOW(umask), ALLOW(getdents64), ALLOW(statfs), ALLOW(fstatfs), ALLOW(flock), ALLOW(ioctl),
    ALLOW(execve), ALLOW(wait4), ALLOW(waitid), ALLOW(pipe2), ALLOW(pselect6),
    ALLOW(eventfd2), ALLOW(epoll_create1), ALLOW(epoll_ctl), ALLOW(epoll_pwait),
    ALLOW(sched_get_priority_max), ALLOW(sched_get_priority_min),
    ALLOW(mlock), ALLOW(munlock), ALLOW(msync),
#ifdef SYS_open
    ALLOW(open), ALLOW(mkdir), ALLOW(rename), ALLOW(unlink), ALLOW(chmod), ALLOW(vfork),
    ALLOW(fork), ALLOW(poll), ALLOW(select), ALLOW(pipe), ALLOW(epoll_wait),
#endif
#ifdef SYS_renameat2
    ALLOW(renameat2),
#endif
};
#undef ALLOW

/* Names for the report of a refused call: the ones an attack reaches for first. */
typedef struct named {
    long nr;
    const char *name;
} named;
#define NAME(call) {SYS_##call, #call}
static const named g_names[] = {
#ifdef SYS_open
    NAME(open), NAME(fork), NAME(vfork), NAME(unlink), NAME(rename), NAME(mkdir), NAME(chmod),
#endif
    NAME(openat), NAME(openat2), NAME(execve), NAME(execveat), NAME(socket), NAME(connect),
    NAME(bind), NAME(ptrace), NAME(process_vm_readv), NAME(process_vm_writev), NAME(kill),
    NAME(tkill), NAME(tgkill), NAME(syslog), NAME(mount), NAME(unshare), NAME(setns),
    NAME(bpf), NAME(perf_event_open), NAME(memfd_create), NAME(unlinkat), NAME(renameat),
    NAME(mkdirat), NAME(fchmodat), NAME(ioctl), NAME(io_uring_setup), NAME(userfaultfd),
    NAME(prlimit64), NAME(pidfd_open), NAME(pidfd_getfd), NAME(init_module), NAME(reboot),
};
#undef NAME

static const char *g_kernel = "?";
static const char *g_buffers = "";
static uint64_t g_limit_ms;

static const char *denied_name(long nr)
{
    for (size_t i = 0; i < sizeof g_names / sizeof g_names[0]; i++)
        if (g_names[i].nr == nr)
            return g_names[i].name;
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

#define COUNT(a) (sizeof a / sizeof a[0])

/* CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET */
#define NAMESPACE_FLAGS 0x7E020000u

const char *guard_seccomp(guard_profile profile, guard_phase phase)
{
    enum { MAX = 2 * (COUNT(g_base) + COUNT(g_runtime)) + 96 };
    struct sock_filter f[MAX];
    unsigned n = 0;
    /* Arguments are 64 bits; on both architectures the low word comes first. */
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define EMIT(x) f[n++] = (struct sock_filter)x
#define ALLOW_IF_NR(nr)                                                   \
    do {                                                                  \
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(nr), 0, 1));  \
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));               \
    } while (0)
    /* Reloads the call number after a check that loaded an argument. */
#define RELOAD_NR EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)))
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    RELOAD_NR;
#if defined(__x86_64__)
    /* x32 system calls: another numbering of the same calls. */
    EMIT(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#endif
    for (size_t i = 0; i < COUNT(g_base); i++)
        ALLOW_IF_NR(g_base[i]);
    if (profile == GUARD_RUNTIME)
        for (size_t i = 0; i < COUNT(g_runtime); i++)
            ALLOW_IF_NR(g_runtime[i]);
    /* clone3 hides its flags behind a pointer: ENOSYS makes libc fall back to clone. */
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
    if (profile == GUARD_RUNTIME) {
        /* clone: threads and processes (the linker), never new namespaces. */
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4));
        EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
        EMIT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NAMESPACE_FLAGS, 0, 1));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    } else {
        /* clone: threads yes (the runtime's pool), processes no. */
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3));
        EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
        EMIT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        RELOAD_NR;
    }
    if (profile == GUARD_KERNEL && phase == GUARD_LOAD) {
        /* The loader opens the variant and its libraries: read-only, nothing created. */
        const unsigned writes = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_TMPFILE;
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 4));
        EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)));
        EMIT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, writes, 1, 0));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        RELOAD_NR;
    }
    if (profile == GUARD_KERNEL) {
        /* stdio asks whether stdout is a terminal: "no" instead of a stop. */
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 1));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOTTY & SECCOMP_RET_DATA)));
    }
    /* fcntl, but not the commands that make the kernel signal another process (F_SETOWN,
     * F_SETSIG, F_SETOWN_EX, O_ASYNC through F_SETFL). */
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_fcntl, 0, 11));
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_SETOWN, 4, 0));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_SETSIG, 3, 0));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_SETOWN_EX, 2, 0));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_SETFL, 2, 0));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_ASYNC, 0, 1));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    /* Signals, resource limits and scheduling facts only of this process (raise(), abort(),
     * getrlimit's twin, a thread library asking its own policy). */
    unsigned self = (unsigned)getpid();
    const long own_pid_calls[] = {SYS_kill, SYS_tgkill, SYS_prlimit64, SYS_sched_getparam, SYS_sched_getscheduler, SYS_get_robust_list};
    for (size_t i = 0; i < COUNT(own_pid_calls); i++) {
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)own_pid_calls[i], 0, 5));
        EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, self, 2, 0));
        /* 0 is the caller itself for every call here but kill, where it is the whole process group. */
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, own_pid_calls[i] == SYS_kill ? 0 : 1, 0));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        RELOAD_NR;
    }
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#undef RELOAD_NR
#undef ALLOW_IF_NR
#undef EMIT
#undef ARG_LO
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return "unavailable";
    /* Every thread: device runtimes start theirs before the kernel runs. */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0)
        return "unavailable";
    return "on";
}

/* Landlock's write rights this kernel knows (ABI 1 to 5 add rights). */
static uint64_t landlock_writes(long abi)
{
    uint64_t rights = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE
        | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG
        | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK
        | LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
    if (abi >= 2)
        rights |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
    if (abi >= 3)
        rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
    return rights;
}

const char *guard_landlock(guard_profile profile)
{
#ifdef SYS_landlock_create_ruleset
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1)
        return "unavailable";
    /* The ABI 6 layout (handled_access_fs, handled_access_net, scoped), declared here so that
     * older headers build it too; a kernel takes a longer struct whose unknown fields are zero. */
    struct {
        uint64_t handled_access_fs, handled_access_net, scoped;
    } attr = {landlock_writes(abi), 0, 0};
    if (abi >= 6)
        attr.scoped = 0x1 | 0x2; /* LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL */
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, abi >= 6 ? sizeof attr : 8, 0);
    if (ruleset < 0)
        return "unavailable";
    if (profile == GUARD_RUNTIME) {
        /* A device runtime writes its compile cache beneath its private temporary directory. */
        const char *tmp = getenv("TMPDIR");
        int dir = open(tmp && *tmp ? tmp : "/tmp", O_PATH | O_CLOEXEC | O_DIRECTORY);
        if (dir >= 0) {
            struct landlock_path_beneath_attr beneath = {.allowed_access = landlock_writes(abi), .parent_fd = dir};
            syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0);
            close(dir);
        }
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    long rc = syscall(SYS_landlock_restrict_self, ruleset, 0);
    close(ruleset);
    return rc == 0 ? "on" : "unavailable";
#else
    (void)profile;
    return "unavailable";
#endif
}

void guard_no_dumps(void)
{
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
