/* A CUDA GPU through the driver API (libcuda.so.1, opened at run time; the container binds the
 * /dev/nvidia* nodes and the driver's libraries). The variant is PTX, JIT-compiled by the
 * driver; __local arguments are offsets into dynamic shared memory (the NVPTX backend's
 * convention). Time: CUDA events around each launch, after one untimed launch. */
#define _GNU_SOURCE
#include "device.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmodule;
typedef void *CUfunction;
typedef void *CUevent;
typedef unsigned long long CUdeviceptr;

#define CU_JIT_ERROR_LOG_BUFFER 5
#define CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES 6

static struct {
    CUresult (*cuInit)(unsigned);
    CUresult (*cuDeviceGet)(CUdevice *, int);
    CUresult (*cuDeviceGetName)(char *, int, CUdevice);
    CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
    CUresult (*cuCtxSetCurrent)(CUcontext);
    CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *, void **);
    CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
    CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
    CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
    CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
    CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void *, void **, void **);
    CUresult (*cuEventCreate)(CUevent *, unsigned);
    CUresult (*cuEventRecord)(CUevent, void *);
    CUresult (*cuEventSynchronize)(CUevent);
    CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
    CUresult (*cuGetErrorName)(CUresult, const char **);
} cu;

static CUfunction g_function;
static CUdeviceptr g_pointer[JOB_MAX_ARGS];
static unsigned long long g_offset[JOB_MAX_ARGS];
static void *g_params[JOB_MAX_ARGS];
static unsigned g_shared;
static CUevent g_start, g_end;

static void check(CUresult r, const char *call)
{
    if (r != 0) {
        const char *name = NULL;
        if (cu.cuGetErrorName)
            cu.cuGetErrorName(r, &name);
        char message[512];
        snprintf(message, sizeof message, "%s failed: %s", call, name ? name : "a CUDA error");
        die("%s", message);
    }
}

static void *resolve(void *lib, const char *name)
{
    void *f = dlsym(lib, name);
    if (!f)
        die("the CUDA driver lacks %s", name);
    return f;
}

static void cuda_load(job *j, const char *variant)
{
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        die("cannot run nvptx here: no CUDA driver (%s)", dlerror());
    *(void **)&cu.cuInit = resolve(lib, "cuInit");
    *(void **)&cu.cuDeviceGet = resolve(lib, "cuDeviceGet");
    *(void **)&cu.cuDeviceGetName = resolve(lib, "cuDeviceGetName");
    *(void **)&cu.cuDevicePrimaryCtxRetain = resolve(lib, "cuDevicePrimaryCtxRetain");
    *(void **)&cu.cuCtxSetCurrent = resolve(lib, "cuCtxSetCurrent");
    *(void **)&cu.cuModuleLoadDataEx = resolve(lib, "cuModuleLoadDataEx");
    *(void **)&cu.cuModuleGetFunction = resolve(lib, "cuModuleGetFunction");
    *(void **)&cu.cuMemAlloc = resolve(lib, "cuMemAlloc_v2");
    *(void **)&cu.cuMemcpyHtoD = resolve(lib, "cuMemcpyHtoD_v2");
    *(void **)&cu.cuMemcpyDtoH = resolve(lib, "cuMemcpyDtoH_v2");
    *(void **)&cu.cuLaunchKernel = resolve(lib, "cuLaunchKernel");
    *(void **)&cu.cuEventCreate = resolve(lib, "cuEventCreate");
    *(void **)&cu.cuEventRecord = resolve(lib, "cuEventRecord");
    *(void **)&cu.cuEventSynchronize = resolve(lib, "cuEventSynchronize");
    *(void **)&cu.cuEventElapsedTime = resolve(lib, "cuEventElapsedTime");
    *(void **)&cu.cuGetErrorName = resolve(lib, "cuGetErrorName");
    check(cu.cuInit(0), "cuInit");
    CUdevice device;
    check(cu.cuDeviceGet(&device, 0), "cuDeviceGet");
    CUcontext context;
    check(cu.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
    check(cu.cuCtxSetCurrent(context), "cuCtxSetCurrent");

    FILE *f = fopen(variant, "rbe");
    if (!f)
        die("cannot open variant %s", variant);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *ptx = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!ptx || n <= 0 || fread(ptx, 1, (size_t)n, f) != (size_t)n)
        die("cannot read variant %s", variant);
    ptx[n] = 0;
    fclose(f);
    static char log[8192];
    int options[2] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[2] = {log, (void *)(uintptr_t)sizeof log};
    CUmodule module;
    CUresult r = cu.cuModuleLoadDataEx(&module, ptx, 2, options, values);
    if (r != 0) {
        char *newline = strchr(log, '\n');
        if (newline)
            *newline = 0;
        char message[8400];
        snprintf(message, sizeof message, "the CUDA driver rejected the PTX (error %d)%s%s", r, log[0] ? ": " : "", log);
        die("%s", message);
    }
    check(cu.cuModuleGetFunction(&g_function, module, j->kernel), "cuModuleGetFunction");
    for (uint32_t i = 0; i < j->nargs; i++) {
        job_arg *a = &j->args[i];
        switch (a->kind) {
        case 's':
            g_params[i] = a->data;
            break;
        case 'l':
            g_shared = (g_shared + 15) & ~15u;
            g_offset[i] = g_shared;
            if (a->bytes > (1u << 30) - g_shared)
                die("%s", "the __local arguments need more shared memory than any GPU has");
            g_shared += (unsigned)a->bytes;
            g_params[i] = &g_offset[i];
            break;
        default:
            check(cu.cuMemAlloc(&g_pointer[i], a->bytes ? a->bytes : 1), "cuMemAlloc");
            if (a->bytes)
                check(cu.cuMemcpyHtoD(g_pointer[i], a->data, a->bytes), "cuMemcpyHtoD");
            g_params[i] = &g_pointer[i];
            break;
        }
    }
    check(cu.cuEventCreate(&g_start, 0), "cuEventCreate");
    check(cu.cuEventCreate(&g_end, 0), "cuEventCreate");
}

static void cuda_restore(job *j)
{
    for (uint32_t i = 0; i < j->nargs; i++)
        if (j->args[i].kind == 'b' && j->args[i].writable && j->args[i].bytes)
            check(cu.cuMemcpyHtoD(g_pointer[i], j->args[i].data, j->args[i].bytes), "cuMemcpyHtoD");
}

static double cuda_launch(job *j)
{
    unsigned grid[3], block[3];
    /* CUDA's limits: a grid of 2^31-1 × 65535 × 65535 blocks of at most 1024 threads. */
    const uint64_t max_grid[3] = {0x7fffffffu, 65535, 65535};
    for (int d = 0; d < 3; d++) {
        uint64_t blocks = j->global[d] / j->local[d];
        if (blocks > max_grid[d] || j->local[d] > 1024)
            die("%s", "the ND-range is larger than a CUDA grid can hold");
        block[d] = (unsigned)j->local[d];
        grid[d] = (unsigned)blocks;
    }
    check(cu.cuEventRecord(g_start, NULL), "cuEventRecord");
    check(cu.cuLaunchKernel(g_function, grid[0], grid[1], grid[2], block[0], block[1], block[2], g_shared, NULL, g_params, NULL), "cuLaunchKernel");
    check(cu.cuEventRecord(g_end, NULL), "cuEventRecord");
    check(cu.cuEventSynchronize(g_end), "the kernel");
    float ms = 0;
    check(cu.cuEventElapsedTime(&ms, g_start, g_end), "cuEventElapsedTime");
    return ms;
}

static void cuda_collect(job *j)
{
    for (uint32_t i = 0; i < j->nargs; i++)
        if (j->args[i].kind == 'b' && j->args[i].writable && j->args[i].bytes)
            check(cu.cuMemcpyDtoH(j->args[i].data, g_pointer[i], j->args[i].bytes), "cuMemcpyDtoH");
}

const device_ops device_cuda = {
    .name = "cuda",
    .profile = GUARD_RUNTIME,
    .warm_up = 1,
    .load = cuda_load,
    .restore = cuda_restore,
    .launch = cuda_launch,
    .collect = cuda_collect,
};
