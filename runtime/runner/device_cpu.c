/* The CPU: the variant is a shared object holding __lava_wg_<kernel> and the host runtime's
 * lava_run_ndrange; buffers are the job's own (guarded) memory. */
#define _GNU_SOURCE
#include "../host/lava_host.h"
#include "device.h"
#include "elf_check.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static lava_wg_fn g_fn;
static int (*g_run)(lava_wg_fn, const lava_launch *);
static lava_launch g_launch;
static void *g_argv[JOB_MAX_ARGS];
static uint64_t g_local_bytes[JOB_MAX_ARGS];

static void cpu_load(job *j, const char *variant)
{
    int checked;
    const char *why = elf_check_variant(variant, &checked);
    if (why) {
        char message[256];
        snprintf(message, sizeof message, "the variant was refused: %s", why);
        die("%s", message);
    }
    char loaded[64];
    snprintf(loaded, sizeof loaded, "/proc/self/fd/%d", checked);
    void *lib = dlopen(loaded, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        die("cannot load variant: %s", dlerror());
    char sym[600];
    snprintf(sym, sizeof sym, "__lava_wg_%s", j->kernel);
    g_fn = (lava_wg_fn)dlsym(lib, sym);
    if (!g_fn)
        die("variant has no kernel named %s", j->kernel);
    g_run = (int (*)(lava_wg_fn, const lava_launch *))dlsym(lib, "lava_run_ndrange");
    if (!g_run)
        die("%s", "variant lacks lava_run_ndrange");
    memset(&g_launch, 0, sizeof g_launch);
    g_launch.work_dim = j->dim;
    for (int d = 0; d < 3; d++) {
        g_launch.global[d] = j->global[d];
        g_launch.local[d] = j->local[d];
    }
    g_launch.threads = j->threads;
    for (uint32_t i = 0; i < j->nargs; i++) {
        job_arg *a = &j->args[i];
        g_argv[i] = a->kind == 'b' ? (void *)&a->slot : a->kind == 's' ? a->data : NULL;
        g_local_bytes[i] = a->kind == 'l' ? a->bytes : 0;
        if (a->kind == 'b' && a->writable && j->repeat > 1) {
            a->pristine = malloc(a->bytes ? a->bytes : 1);
            if (!a->pristine)
                die("%s", "out of memory for buffers");
            memcpy(a->pristine, a->data, a->bytes);
        }
    }
    g_launch.nargs = j->nargs;
    g_launch.args = g_argv;
    g_launch.local_arg_bytes = g_local_bytes;
    /* Resolved here: counting the cores reads /sys, which the kernel's filter forbids. */
    if (!g_launch.threads) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        g_launch.threads = online > 0 ? (uint32_t)online : 1;
    }
    j->threads = g_launch.threads;
}

static void cpu_restore(job *j)
{
    for (uint32_t i = 0; i < j->nargs; i++)
        if (j->args[i].pristine)
            memcpy(j->args[i].data, j->args[i].pristine, j->args[i].bytes);
}

static double cpu_launch(job *j)
{
    (void)j;
    double t0 = now_ms();
    int rc = g_run(g_fn, &g_launch);
    double elapsed = now_ms() - t0;
    if (rc != 0)
        die("launch failed: %s", strerror(rc));
    return elapsed;
}

static void cpu_collect(job *j)
{
    (void)j; /* the kernel wrote the job's buffers in place */
}

const device_ops device_cpu = {
    .name = "cpu",
    .profile = GUARD_KERNEL,
    .warm_up = 0,
    .load = cpu_load,
    .restore = cpu_restore,
    .launch = cpu_launch,
    .collect = cpu_collect,
};
