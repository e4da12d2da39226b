/* ABI between generated kernel code, the host part of the runtime, and the runner.
 * Generated code (see src/LavaAccel.Backends/Cpu/WorkGroupLowering.cs) reads lava_wg by field
 * offset, so the layout here and the offsets there must change together. */
#ifndef LAVA_HOST_H
#define LAVA_HOST_H
#include <stdint.h>

typedef struct lava_wg {
    uint64_t group_id[3];      /* offset 0   */
    uint64_t local_size[3];    /* offset 24  */
    uint64_t global_size[3];   /* offset 48  */
    uint64_t global_offset[3]; /* offset 72  */
    uint64_t num_groups[3];    /* offset 96  */
    uint64_t work_dim;         /* offset 120 */
} lava_wg;

/* One work-group of a kernel: generated as __lava_wg_<kernel>. */
typedef void (*lava_wg_fn)(void **args, lava_wg *wg);
/* One work-item of a kernel with barriers: generated as __lava_wi_<kernel>. */
typedef void (*lava_wi_fn)(void **args, lava_wg *wg, uint64_t lx, uint64_t ly, uint64_t lz);

typedef struct lava_launch {
    uint32_t work_dim;
    uint64_t global[3];
    uint64_t local[3];
    uint64_t offset[3];
    uint32_t threads;          /* 0 = all online cores */
    uint32_t nargs;
    void **args;               /* args[i] points at the storage of argument i */
    const uint64_t *local_arg_bytes; /* nargs entries; non-zero marks a __local pointer argument */
} lava_launch;

/* Runs the whole ND-range, spreading work-groups over threads. Returns 0 or an errno-style code. */
int lava_run_ndrange(lava_wg_fn fn, const lava_launch *launch);

/* Called from generated code. */
void __lava_run_fibers(void **args, lava_wg *wg, lava_wi_fn wi);
void __lava_barrier(void);
void *__lava_context(uint64_t bytes);
/* Per-work-group scratch for the builtins' work-group functions: 8 bytes per work-item of the
 * largest work-group (4096) plus room for a result. */
#define LAVA_WG_SCRATCH_BYTES (4096 * 8 + 64)
void *__lava_wg_scratch(void);
int __lava_printf(const char *format, ...);
#endif
