/* An OpenCL device that ingests SPIR 1.2 (cl_khr_spir; PoCL here): the variant is SPIR bitcode,
 * built with "-x spir -spir-std=1.2". The ICD loader (libOpenCL.so.1) is opened at run time, so
 * the worker needs no OpenCL to run CPU variants. Time: enqueue → clFinish, after one untimed
 * launch (PoCL compiles the work-group function at the first launch). */
#define _GNU_SOURCE
#include "device.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<CL/cl.h>)
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#define CL_FUNCTIONS(X)                                                                            \
    X(clGetPlatformIDs) X(clGetDeviceIDs) X(clGetDeviceInfo) X(clCreateContext)                    \
    X(clCreateCommandQueue) X(clCreateProgramWithBinary) X(clCreateProgramWithSource) X(clBuildProgram) X(clGetProgramBuildInfo) \
    X(clCreateKernel) X(clSetKernelArg) X(clCreateBuffer) X(clEnqueueNDRangeKernel) X(clFinish)    \
    X(clEnqueueReadBuffer) X(clEnqueueWriteBuffer)

#define DECLARE(name) static __typeof__(&name) p_##name;
CL_FUNCTIONS(DECLARE)
#undef DECLARE

static cl_command_queue g_queue;
static cl_kernel g_kernel;
static cl_mem g_mem[JOB_MAX_ARGS];

static const char *error_name(cl_int e)
{
    switch (e) {
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_BINARY: return "CL_INVALID_BINARY";
    case CL_INVALID_KERNEL_NAME: return "CL_INVALID_KERNEL_NAME";
    case CL_INVALID_ARG_SIZE: return "CL_INVALID_ARG_SIZE";
    case CL_INVALID_ARG_INDEX: return "CL_INVALID_ARG_INDEX";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_WORK_ITEM_SIZE: return "CL_INVALID_WORK_ITEM_SIZE";
    case CL_INVALID_GLOBAL_WORK_SIZE: return "CL_INVALID_GLOBAL_WORK_SIZE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR (no OpenCL platform: is the ICD file visible?)";
    default: return "an OpenCL error";
    }
}

static void check(cl_int e, const char *call)
{
    if (e != CL_SUCCESS) {
        char message[512];
        snprintf(message, sizeof message, "%s failed: %s (%d)", call, error_name(e), e);
        die("%s", message);
    }
}

static void *read_variant(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rbe");
    if (!f)
        die("cannot open variant %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    if (n <= 0)
        die("the variant %s is empty", path);
    char *bytes = malloc((size_t)n + 1);
    if (!bytes || fread(bytes, 1, (size_t)n, f) != (size_t)n)
        die("cannot read variant %s", path);
    fclose(f);
    bytes[n] = 0; /* OpenCL C source is read as a string */
    *size = (size_t)n;
    return bytes;
}

static cl_device_id find_spir_device(char *name, size_t name_size)
{
    cl_platform_id platforms[16];
    cl_uint count = 0;
    check(p_clGetPlatformIDs(16, platforms, &count), "clGetPlatformIDs");
    for (cl_uint p = 0; p < count && p < 16; p++) {
        cl_device_id devices[16];
        cl_uint n = 0;
        if (p_clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 16, devices, &n) != CL_SUCCESS)
            continue;
        for (cl_uint d = 0; d < n && d < 16; d++) {
            static char extensions[16384];
            if (p_clGetDeviceInfo(devices[d], CL_DEVICE_EXTENSIONS, sizeof extensions, extensions, NULL) != CL_SUCCESS)
                continue;
            if (!strstr(extensions, "cl_khr_spir"))
                continue;
            p_clGetDeviceInfo(devices[d], CL_DEVICE_NAME, name_size, name, NULL);
            return devices[d];
        }
    }
    die("%s", "cannot run opencl/spir here: no OpenCL device ingests SPIR (cl_khr_spir)");
}

static void opencl_load(job *j, const char *variant)
{
    void *lib = dlopen("libOpenCL.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        die("cannot run opencl/spir here: %s", dlerror());
#define RESOLVE(name)                                        \
    if (!(p_##name = (__typeof__(&name))dlsym(lib, #name))) \
        die("the OpenCL loader lacks %s", #name);
    CL_FUNCTIONS(RESOLVE)
#undef RESOLVE
    char name[256] = "the OpenCL device";
    cl_device_id device = find_spir_device(name, sizeof name);
    if (j->fp64) {
        static char extensions[16384];
        p_clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, sizeof extensions, extensions, NULL);
        if (!strstr(extensions, "cl_khr_fp64")) {
            char message[512];
            snprintf(message, sizeof message, "kernel '%s' needs fp64 (cl_khr_fp64), which %s lacks", j->kernel, name);
            die("%s", message);
        }
    }
    cl_int e;
    cl_context context = p_clCreateContext(NULL, 1, &device, NULL, NULL, &e);
    check(e, "clCreateContext");
    g_queue = p_clCreateCommandQueue(context, device, 0, &e);
    check(e, "clCreateCommandQueue");
    size_t size;
    const unsigned char *bitcode = read_variant(variant, &size);
    /* LLVM bitcode (raw 'BC' 0xC0DE or the 0x0B17C0DE wrapper): SPIR from lava's compiler. Anything
     * else is OpenCL C source that the device's own compiler builds (lava bench's PoCL peer). */
    int is_bitcode = size >= 4 && ((bitcode[0] == 'B' && bitcode[1] == 'C' && bitcode[2] == 0xC0 && bitcode[3] == 0xDE) ||
                                   (bitcode[0] == 0xDE && bitcode[1] == 0xC0 && bitcode[2] == 0x17 && bitcode[3] == 0x0B));
    cl_program program;
    if (is_bitcode) {
        cl_int status;
        program = p_clCreateProgramWithBinary(context, 1, &device, &size, &bitcode, &status, &e);
        check(e, "clCreateProgramWithBinary");
        e = p_clBuildProgram(program, 1, &device, "-x spir -spir-std=1.2", NULL, NULL);
    } else {
        const char *source = (const char *)bitcode;
        program = p_clCreateProgramWithSource(context, 1, &source, &size, &e);
        check(e, "clCreateProgramWithSource");
        e = p_clBuildProgram(program, 1, &device, j->clopts, NULL, NULL);
    }
    if (e != CL_SUCCESS) {
        static char log[4096];
        log[0] = 0;
        p_clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, sizeof log - 1, log, NULL);
        for (char *c = log; *c; c++)
            if (*c == '\n')
                *c = ' ';
        char message[4600];
        snprintf(message, sizeof message, "%s could not build the program (%s)%s%.4000s", name, error_name(e), log[0] ? ": " : "", log);
        die("%s", message);
    }
    g_kernel = p_clCreateKernel(program, j->kernel, &e);
    check(e, "clCreateKernel");
    for (uint32_t i = 0; i < j->nargs; i++) {
        job_arg *a = &j->args[i];
        switch (a->kind) {
        case 's':
            check(p_clSetKernelArg(g_kernel, i, a->bytes, a->data), "clSetKernelArg");
            break;
        case 'l':
            check(p_clSetKernelArg(g_kernel, i, a->bytes, NULL), "clSetKernelArg");
            break;
        default:
            g_mem[i] = a->bytes
                ? p_clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, a->bytes, a->data, &e)
                : p_clCreateBuffer(context, CL_MEM_READ_WRITE, 1, NULL, &e);
            check(e, "clCreateBuffer");
            check(p_clSetKernelArg(g_kernel, i, sizeof(cl_mem), &g_mem[i]), "clSetKernelArg");
            break;
        }
    }
}

static void opencl_restore(job *j)
{
    for (uint32_t i = 0; i < j->nargs; i++) {
        job_arg *a = &j->args[i];
        if (a->kind == 'b' && a->writable && a->bytes)
            check(p_clEnqueueWriteBuffer(g_queue, g_mem[i], CL_TRUE, 0, a->bytes, a->data, 0, NULL, NULL), "clEnqueueWriteBuffer");
    }
}

static double opencl_launch(job *j)
{
    size_t global[3], local[3];
    for (int d = 0; d < 3; d++) {
        global[d] = (size_t)j->global[d];
        local[d] = (size_t)j->local[d];
    }
    double t0 = now_ms();
    check(p_clEnqueueNDRangeKernel(g_queue, g_kernel, j->dim, NULL, global, local, 0, NULL, NULL), "clEnqueueNDRangeKernel");
    check(p_clFinish(g_queue), "clFinish");
    return now_ms() - t0;
}

static void opencl_collect(job *j)
{
    for (uint32_t i = 0; i < j->nargs; i++) {
        job_arg *a = &j->args[i];
        if (a->kind == 'b' && a->writable && a->bytes)
            check(p_clEnqueueReadBuffer(g_queue, g_mem[i], CL_TRUE, 0, a->bytes, a->data, 0, NULL, NULL), "clEnqueueReadBuffer");
    }
}

const device_ops device_opencl = {
    .name = "opencl",
    .profile = GUARD_RUNTIME,
    .warm_up = 1,
    .load = opencl_load,
    .restore = opencl_restore,
    .launch = opencl_launch,
    .collect = opencl_collect,
};
#else
static void unavailable(job *j, const char *variant)
{
    (void)j;
    (void)variant;
    die("%s", "this worker was built without OpenCL");
}

const device_ops device_opencl = {.name = "opencl", .profile = GUARD_RUNTIME, .load = unavailable};
#endif
