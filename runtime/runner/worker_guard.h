/* The worker's own defences, installed after the job is loaded and before the kernel runs:
 * a seccomp filter that stops the kernel from opening files, creating processes, reaching the
 * network or tracing anything (one clear report naming the call), crash and time-limit
 * reporters, and a data-size limit where no cgroup bounds memory. */
#ifndef LAVA_WORKER_GUARD_H
#define LAVA_WORKER_GUARD_H
#include <stdint.h>

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
/* Installs the filter. Returns "on", or "unavailable" where the kernel (or an emulator such as
 * qemu-user, which refuses PR_SET_SECCOMP) cannot install it. */
const char *guard_seccomp(void);
#endif
