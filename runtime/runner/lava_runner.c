/* lava-runner: runs one kernel launch over buffers held in files, in a process of its own inside
 * the job's sandbox — a CPU variant (.so) natively or under qemu-aarch64, SPIR bitcode on an
 * OpenCL device, PTX on a CUDA GPU (device.h). A kernel that crashes takes down only this
 * process; lava reports the signal.
 *
 * usage: lava-runner VARIANT JOBFILE
 *        lava-runner --wait      (prints "ready", then reads "VARIANT<tab>JOBFILE" from stdin: the
 *                                 form a pre-started worker in a pooled container takes)
 * JOBFILE: see job.h.
 * Order: read the job (files may be opened) → allowlist for loading → load the variant → the
 * narrower allowlist for the kernel → run → write the results into the files already open.
 * stdout: one JSON report (report.h): {"status":"ok","kernel_ms":[...],"threads":N,...,"usage":{...}}
 * or status error|signal|forbidden|timeout. */
#define _GNU_SOURCE
#include "device.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static const device_ops *device_named(const char *name)
{
    if (!strcmp(name, "cpu"))
        return &device_cpu;
    if (!strcmp(name, "opencl"))
        return &device_opencl;
    if (!strcmp(name, "cuda"))
        return &device_cuda;
    die("unknown device '%s' in the job file", name);
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
        fprintf(stderr, "usage: lava-runner VARIANT JOBFILE | lava-runner --wait\n");
        return 2;
    }
    static job j;
    job_read(&j, job_path);
    const device_ops *device = device_named(j.device);
    /* From here on stdout carries the report alone; what the kernel prints goes to stderr. */
    report_keep_channel();
    guard_no_dumps();

    /* Names and sizes of the buffers, for a crash report that says what an overrun may have hit. */
    static char buffers[2048];
    job_describe_buffers(&j, buffers, sizeof buffers);
    guard_install_reporters(j.kernel, buffers);
    /* The kernel could write through the descriptors kept open for the results: no file may grow
     * beyond the largest buffer (writes past it fail with EFBIG instead of filling the disk). */
    uint64_t file_limit = job_largest_buffer(&j);
    /* A device runtime writes its own compile cache (the container's small private /tmp). */
    if (device->profile == GUARD_RUNTIME && file_limit < (512u << 20))
        file_limit = 512u << 20;
    guard_file_size_limit(file_limit);
    /* Nothing of the variant runs before its walls: not even the loader's work. */
    const char *landlock = j.seccomp ? guard_landlock(device->profile) : "off";
    const char *filter = j.seccomp ? guard_seccomp(device->profile, GUARD_LOAD) : "off";
    if (strcmp(filter, "unavailable") == 0 && j.seccomp != SECCOMP_OPTIONAL)
        die("%s", "the worker cannot install its system-call filter here (seccomp unavailable): refusing to run the kernel without it");
    device->load(&j, variant);
    if (strcmp(filter, "on") == 0 && strcmp(guard_seccomp(device->profile, GUARD_RUN), "on") != 0)
        die("%s", "the worker could not narrow its system-call filter for the kernel: refusing to run it");

    double *times = calloc(j.repeat, sizeof(double));
    if (!times)
        die("%s", "out of memory");
    uint64_t entered_ns = 0;
    /* Untimed launches first: the device's own (PoCL builds work-group functions lazily) and the
     * job's (lava bench: caches, page tables, clocks settle before anything is measured). */
    unsigned untimed = j.warmup + (device->warm_up ? 1u : 0u);
    for (unsigned w = 0; w < untimed; w++) {
        if (w > 0)
            device->restore(&j);
        if (!entered_ns)
            entered_ns = monotonic_ns();
        device->launch(&j);
    }
    for (unsigned r = 0; r < j.repeat; r++) {
        if (r > 0 || untimed > 0)
            device->restore(&j);
        if (!entered_ns)
            entered_ns = monotonic_ns();
        times[r] = device->launch(&j);
    }
    device->collect(&j);
    /* The kernel is done: no time-out report may interleave with the results from here on. */
    guard_finish();
    job_save(&j);

    qsort(times, j.repeat, sizeof(double), cmp_double);
    char list[12000];
    size_t len = 0;
    list[len++] = '[';
    for (unsigned r = 0; r < j.repeat && len < sizeof list - 40; r++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%.6f", r ? "," : "", times[r]);
    snprintf(list + len, sizeof list - len, "]");
    fflush(stderr);
    report rep;
    report_begin(&rep, "ok");
    report_raw(&rep, "kernel_ms", list);
    report_u64(&rep, "threads", j.threads);
    report_u64(&rep, "ready_ns", ready_ns);
    report_u64(&rep, "entered_ns", entered_ns);
    report_str(&rep, "seccomp", filter);
    report_str(&rep, "landlock", landlock);
    report_str(&rep, "device", device->name);
    report_finish(&rep);
    return 0;
}
