/* The worker's own defences: crash and time-limit reporters, a data-size limit where no cgroup
 * bounds memory, and a seccomp allowlist installed before the variant is loaded and narrowed
 * again before the kernel runs. A call outside the list stops the worker with one clear report
 * naming the call. */
#ifndef LAVA_WORKER_GUARD_H
#define LAVA_WORKER_GUARD_H
#include <stdint.h>

/* Which system calls a runtime needs beyond the base list (memory, threads, time, signals,
 * descriptors already open). */
typedef enum guard_profile {
    /* A CPU variant: loading may open files read-only (the loader); the kernel opens nothing. */
    GUARD_KERNEL,
    /* A device runtime (PoCL, the CUDA driver): it compiles at the first launch, writing its
     * cache and starting the linker, so files and new processes stay allowed — inside the
     * container's read-only root, without network, as uid 65534. */
    GUARD_RUNTIME,
} guard_profile;

typedef enum guard_phase {
    GUARD_LOAD, /* before the variant is loaded */
    GUARD_RUN,  /* before the kernel runs */
} guard_phase;

/* Crash reporters (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP) and the SIGSYS reporter. */
void guard_install_reporters(const char *kernel, const char *buffers);
/* Wall-clock limit from now; 0 = none. On expiry: a "timeout" report and exit 124. */
void guard_time_limit(uint64_t ms);
/* RLIMIT_FSIZE (SIGXFSZ ignored: writes beyond it fail with EFBIG). */
void guard_file_size_limit(uint64_t bytes);
/* RLIMIT_DATA, for drivers without a memory cgroup; 0 = none. Returns 0 or errno. */
int guard_memory_limit(uint64_t bytes);
/* After the kernel: disarms the time limit and claims the report for the normal way out (a
 * thread already reporting a crash or time-out keeps it; the caller then waits for that exit). */
void guard_finish(void);
/* Installs the allowlist of <profile> for <phase> on every thread of the process. Filters stack:
 * the run phase's list is never wider than the load phase's. Returns "on", or "unavailable"
 * where the kernel (or an emulator such as qemu-user) cannot install one. */
const char *guard_seccomp(guard_profile profile, guard_phase phase);
/* Landlock, where the kernel has it: no file or directory is created, written, renamed or removed
 * anywhere (a device runtime: only beneath its private temporary directory), and — ABI 6 —
 * no signal or abstract socket reaches a process outside the worker. Call before any thread
 * starts. Returns "on" or "unavailable". */
const char *guard_landlock(guard_profile profile);
/* No core files and no ptrace or /proc access to the worker by other processes of its user. */
void guard_no_dumps(void);
#endif
