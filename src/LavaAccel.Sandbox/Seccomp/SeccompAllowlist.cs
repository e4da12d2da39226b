namespace LavaAccel.Sandbox.Seccomp;

/// <summary>
/// The container's system-call allowlist: what a dynamically linked worker with a thread pool (and
/// qemu-user running an AArch64 one) needs, and nothing that reaches the network, other processes,
/// the kernel's configuration or new processes. Everything else fails with EPERM. <c>clone</c> is
/// allowed only for threads (CLONE_THREAD set); <c>clone3</c>, whose flags seccomp cannot see,
/// fails with ENOSYS so that libc falls back to <c>clone</c>. Names that do not exist on an
/// architecture are skipped. The native worker adds narrower filters of its own before it loads
/// the variant and again before the kernel runs (runtime/runner/worker_guard.c).
/// <see cref="Extra"/> adds what a <see cref="SyscallProfile"/> needs beyond the list.
/// </summary>
public static class SeccompAllowlist
{
    /// <summary>CLONE_THREAD, the flag that makes a clone a thread.</summary>
    public const ulong CloneThread = 0x10000;

    /// <summary>ENOSYS, returned for clone3.</summary>
    public const int Enosys = 38;

    /// <summary>EPERM, returned for every call not on the list.</summary>
    public const int Eperm = 1;

    /// <summary>Allowed without conditions.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        // files already open, and the loader's reads of libraries under /usr and /lava/runtime
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
        "lseek", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "fstat", "newfstatat", "fstatfs",
        "statfs", "stat", "lstat", "statx", "access", "faccessat", "faccessat2", "open", "openat",
        "readlink", "readlinkat", "getcwd", "chdir", "fchdir", "getdents64", "ftruncate", "fsync",
        "fdatasync", "fadvise64", "ioctl", "umask",
        // memory
        "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "msync", "mincore", "membarrier",
        // signals
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "rt_sigpending",
        "rt_sigtimedwait", "sigaltstack", "kill", "tgkill", "tkill", "pause",
        // identity and process state
        "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups",
        "getresuid", "getresgid", "getpgrp", "getpgid", "getsid", "uname", "arch_prctl", "prctl",
        "seccomp", // the worker narrows its own list (a filter can only take calls away)
        "set_tid_address", "set_robust_list", "get_robust_list", "rseq", "execve", "exit", "exit_group",
        "wait4", "waitid", // bubblewrap's init waits for the worker
        "sysinfo", "getrandom", "getrusage", "getrlimit", "setrlimit", "prlimit64", "times",
        // threads and scheduling
        "futex", "futex_waitv", "sched_yield", "sched_getaffinity", "sched_setaffinity",
        "sched_getparam", "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min",
        "getcpu",
        // time
        "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday", "time",
        "setitimer", "getitimer", "alarm", "timer_create", "timer_settime", "timer_gettime",
        "timer_delete", "timer_getoverrun",
        // waiting on the descriptors it has
        "pipe", "pipe2", "poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl",
        "epoll_wait", "epoll_pwait", "eventfd2",
    ];

    /// <summary>What <paramref name="profile"/> adds to <see cref="Names"/>.</summary>
    public static IReadOnlyList<string> Extra(SyscallProfile profile) => profile switch
    {
        // PoCL writes its cache in the private /tmp and runs the linker (vfork + execve).
        SyscallProfile.DeviceRuntime =>
        [
            "mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat", "chmod", "fchmod",
            "fchmodat", "fallocate", "flock", "vfork", "fork", "memfd_create", "mlock", "munlock",
            "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
        ],
        // The .NET runtime: its GC and JIT map and lock memory, name its threads.
        SyscallProfile.Managed => ["mlock", "munlock", "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min"],
        _ => [],
    };

    /// <summary>Whether <paramref name="profile"/> may create processes (clone without CLONE_THREAD).</summary>
    public static bool AllowsProcesses(SyscallProfile profile) => profile == SyscallProfile.DeviceRuntime;
}
