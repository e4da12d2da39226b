/* What runs a job's kernel: the CPU (a variant .so in this process), an OpenCL device (SPIR
 * bitcode through the ICD loader) or a CUDA GPU (PTX through the driver). One table of
 * operations per runtime, as PoCL keeps one per device driver. */
#ifndef LAVA_DEVICE_H
#define LAVA_DEVICE_H
#include "job.h"
#include "worker_guard.h"

typedef struct device_ops {
    const char *name;
    /* The system calls the runtime needs while loading and while the kernel runs. */
    guard_profile profile;
    /* Whether the first launch is untimed (runtimes that finish compiling on first launch). */
    int warm_up;
    /* Loads the variant and prepares the launch (device memory, arguments). Dies on failure. */
    void (*load)(job *j, const char *variant);
    /* Puts the writable buffers back to their input before a repeat. */
    void (*restore)(job *j);
    /* Runs the kernel once over the whole range; returns its time in ms. Dies on failure. */
    double (*launch)(job *j);
    /* Copies the results into the job's host buffers. Dies on failure. */
    void (*collect)(job *j);
} device_ops;

extern const device_ops device_cpu;
extern const device_ops device_opencl;
extern const device_ops device_cuda;
#endif
