/* Host part of the CPU runtime, linked into every CPU variant: runs an ND-range over all cores
 * and, for kernels with barriers, runs the work-items of a group as fibers that switch at each
 * barrier (one user-space context switch per work-item per barrier, no syscalls). */
#define _GNU_SOURCE
#include "lava_host.h"
#include "fiber_switch.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LAVA_EXPORT __attribute__((visibility("default")))
#define FIBER_STACK_BYTES (128u * 1024u)
#define MAX_ARGS 128

/* ---------------------------------------------------------------- fibers ---- */

typedef struct fiber_set {
    void *main_sp;
    void **sps;
    char *stacks;
    size_t capacity; /* fibers the stacks were allocated for */
    size_t page;
    uint64_t count, current;
    lava_wi_fn wi;
    void **args;
    lava_wg *wg;
} fiber_set;

static __thread fiber_set t_fibers;

static int fibers_reserve(fiber_set *set, size_t count)
{
    if (set->capacity >= count)
        return 0;
    if (set->stacks)
        munmap(set->stacks, set->capacity * FIBER_STACK_BYTES);
    free(set->sps);
    set->stacks = NULL;
    set->capacity = 0;
    set->sps = calloc(count, sizeof(void *));
    if (!set->sps)
        return ENOMEM;
    char *stacks = mmap(NULL, count * FIBER_STACK_BYTES, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stacks == MAP_FAILED)
        return ENOMEM;
    set->page = (size_t)sysconf(_SC_PAGESIZE);
    /* A guard page at the bottom of every stack turns an overflow into SIGSEGV instead of
     * silently corrupting the neighbouring work-item. */
    for (size_t i = 0; i < count; i++)
        mprotect(stacks + i * FIBER_STACK_BYTES, set->page, PROT_NONE);
    set->stacks = stacks;
    set->capacity = count;
    return 0;
}

static void fiber_main(void *arg)
{
    fiber_set *set = &t_fibers;
    uint64_t index = (uint64_t)(uintptr_t)arg;
    lava_wg *wg = set->wg;
    uint64_t lx = index % wg->local_size[0];
    uint64_t rest = index / wg->local_size[0];
    set->wi(set->args, wg, lx, rest % wg->local_size[1], rest / wg->local_size[1]);
    /* Every work-item passes the same barriers, so when this one ends the ones after it are
     * parked at their last barrier (or not started); resume them in order. */
    uint64_t next = index + 1;
    set->current = next;
    lava_ctx_switch(&set->sps[index], next < set->count ? set->sps[next] : set->main_sp);
    __builtin_trap();
}

LAVA_EXPORT void __lava_run_fibers(void **args, lava_wg *wg, lava_wi_fn wi)
{
    fiber_set *set = &t_fibers;
    uint64_t count = wg->local_size[0] * wg->local_size[1] * wg->local_size[2];
    if (fibers_reserve(set, count) != 0)
        abort();
    set->count = count;
    set->current = 0;
    set->wi = wi;
    set->args = args;
    set->wg = wg;
    for (uint64_t i = 0; i < count; i++)
        set->sps[i] = lava_ctx_prepare(set->stacks + i * FIBER_STACK_BYTES + set->page,
                                       FIBER_STACK_BYTES - set->page, fiber_main, (void *)(uintptr_t)i);
    lava_ctx_switch(&set->main_sp, set->sps[0]);
}

LAVA_EXPORT void __lava_barrier(void)
{
    fiber_set *set = &t_fibers;
    if (set->count <= 1)
        return;
    uint64_t index = set->current;
    uint64_t next = index + 1 < set->count ? index + 1 : 0;
    set->current = next;
    lava_ctx_switch(&set->sps[index], set->sps[next]);
}

/* ------------------------------------------------- region context arrays ---- */

/* Per-work-item state of region-split kernels (values live across barriers), one buffer per
 * thread, reused by every work-group that thread runs. */
static __thread void *t_context;
static __thread size_t t_context_bytes;

LAVA_EXPORT void *__lava_context(uint64_t bytes)
{
    if (bytes > t_context_bytes || !t_context) {
        free(t_context);
        t_context = NULL;
        size_t size = bytes < 64 ? 64 : (size_t)bytes;
        if (posix_memalign(&t_context, 64, size) != 0)
            abort();
        t_context_bytes = size;
    }
    return t_context;
}

/* OpenCL printf: kernels' calls to printf are renamed to this by the backend. Output goes to
 * stderr (stdout belongs to the runner's report), one call at a time. */
LAVA_EXPORT int __lava_printf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    flockfile(stderr);
    int written = vfprintf(stderr, format, args);
    funlockfile(stderr);
    va_end(args);
    return written < 0 ? -1 : 0;
}

/* Scratch memory for work-group functions of the builtins library (work_group_reduce_add …):
 * one block per thread, so per running work-group. */
static __thread _Alignas(64) unsigned char t_scratch[LAVA_WG_SCRATCH_BYTES];

LAVA_EXPORT void *__lava_wg_scratch(void)
{
    return t_scratch;
}

/* ------------------------------------------------------------ ND-range ---- */

typedef struct launch_state {
    lava_wg_fn fn;
    const lava_launch *launch;
    uint64_t groups[3];
    uint64_t total;
    uint64_t threads;
    atomic_uint_fast64_t next;
    atomic_int error;
} launch_state;

static void *worker(void *arg)
{
    launch_state *st = arg;
    const lava_launch *l = st->launch;
    void *args[MAX_ARGS];
    void *local_ptrs[MAX_ARGS];
    void *owned[MAX_ARGS];
    uint32_t nowned = 0;
    for (uint32_t i = 0; i < l->nargs; i++) {
        args[i] = l->args[i];
        if (l->local_arg_bytes && l->local_arg_bytes[i]) {
            /* __local pointer arguments: one block per thread, shared by the work-items of the
             * group running on it. */
            size_t bytes = (l->local_arg_bytes[i] + 63) & ~(size_t)63;
            void *p = NULL;
            if (posix_memalign(&p, 64, bytes) != 0) {
                atomic_store(&st->error, ENOMEM);
                goto out;
            }
            memset(p, 0, bytes);
            owned[nowned++] = p;
            local_ptrs[i] = p;
            args[i] = &local_ptrs[i];
        }
    }
    lava_wg wg;
    memset(&wg, 0, sizeof wg);
    for (int d = 0; d < 3; d++) {
        wg.local_size[d] = l->local[d];
        wg.global_size[d] = l->global[d];
        wg.global_offset[d] = l->offset[d];
        wg.num_groups[d] = st->groups[d];
    }
    wg.work_dim = l->work_dim;
    /* Work-groups are claimed in chunks: one shared atomic per work-group costs ~100 ns of
     * cache-line ping-pong, more than a small work-group's work. Eight chunks per thread still
     * balance uneven groups. */
    uint64_t chunk = st->total / (st->threads * 8);
    if (chunk < 1)
        chunk = 1;
    for (;;) {
        uint64_t first = atomic_fetch_add_explicit(&st->next, chunk, memory_order_relaxed);
        if (first >= st->total)
            break;
        uint64_t last = first + chunk < st->total ? first + chunk : st->total;
        for (uint64_t g = first; g < last; g++) {
            wg.group_id[0] = g % st->groups[0];
            wg.group_id[1] = (g / st->groups[0]) % st->groups[1];
            wg.group_id[2] = g / (st->groups[0] * st->groups[1]);
            st->fn(args, &wg);
        }
    }
out:
    for (uint32_t i = 0; i < nowned; i++)
        free(owned[i]);
    return NULL;
}

/* A pool of worker threads that lives as long as the process: a launch wakes them instead of
 * creating threads (≈ 50 µs a launch), and their fiber stacks stay allocated between launches. */
typedef struct pool {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    uint64_t generation;
    uint64_t workers;  /* threads besides the caller */
    uint64_t active;   /* workers taking part in the current launch */
    uint64_t finished;
    launch_state *job;
} pool;

static pool g_pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, NULL};

static void *pool_worker(void *arg)
{
    uint64_t index = (uint64_t)(uintptr_t)arg;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&g_pool.lock);
        while (g_pool.generation == seen)
            pthread_cond_wait(&g_pool.wake, &g_pool.lock);
        seen = g_pool.generation;
        launch_state *job = index < g_pool.active ? g_pool.job : NULL;
        pthread_mutex_unlock(&g_pool.lock);
        if (!job)
            continue;
        worker(job);
        pthread_mutex_lock(&g_pool.lock);
        if (++g_pool.finished == g_pool.active)
            pthread_cond_signal(&g_pool.done);
        pthread_mutex_unlock(&g_pool.lock);
    }
    return NULL;
}

static void pool_grow(uint64_t workers)
{
    while (g_pool.workers < workers) {
        pthread_t tid;
        if (pthread_create(&tid, NULL, pool_worker, (void *)(uintptr_t)g_pool.workers) != 0)
            break;
        pthread_detach(tid);
        g_pool.workers++;
    }
}

LAVA_EXPORT int lava_run_ndrange(lava_wg_fn fn, const lava_launch *launch)
{
    if (!fn || !launch || launch->nargs > MAX_ARGS || launch->work_dim < 1 || launch->work_dim > 3)
        return EINVAL;
    launch_state st;
    memset(&st, 0, sizeof st);
    st.fn = fn;
    st.launch = launch;
    st.total = 1;
    for (int d = 0; d < 3; d++) {
        if (launch->local[d] == 0 || launch->global[d] % launch->local[d] != 0)
            return EINVAL;
        st.groups[d] = launch->global[d] / launch->local[d];
        st.total *= st.groups[d];
    }
    atomic_init(&st.next, 0);
    atomic_init(&st.error, 0);
    uint64_t threads = launch->threads;
    if (!threads) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        threads = (uint64_t)(online > 0 ? online : 1);
    }
    if (threads > st.total)
        threads = st.total;
    if (threads > 256)
        threads = 256;
    st.threads = threads;

    /* One launch at a time uses the pool; the caller is one of the threads. */
    static pthread_mutex_t launch_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&launch_lock);
    pthread_mutex_lock(&g_pool.lock);
    pool_grow(threads - 1);
    g_pool.active = threads - 1 < g_pool.workers ? threads - 1 : g_pool.workers;
    g_pool.finished = 0;
    g_pool.job = &st;
    g_pool.generation++;
    pthread_cond_broadcast(&g_pool.wake);
    pthread_mutex_unlock(&g_pool.lock);

    worker(&st);

    pthread_mutex_lock(&g_pool.lock);
    while (g_pool.finished < g_pool.active)
        pthread_cond_wait(&g_pool.done, &g_pool.lock);
    g_pool.job = NULL;
    pthread_mutex_unlock(&g_pool.lock);
    pthread_mutex_unlock(&launch_lock);
    return atomic_load(&st.error);
}
