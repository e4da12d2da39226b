// OpenCL C 2.0 work-group collective functions (s6.13.15): work_group_all/any,
// work_group_broadcast (1-, 2- and 3-D local ids) and work_group_reduce_,
// work_group_scan_inclusive_ and work_group_scan_exclusive_ add/min/max for
// int, uint, long, ulong, float, double and half.
//
// They communicate through the host runtime's per-work-group scratch buffer
// (__lava_wg_scratch: 4096 * 8 + 64 bytes, 64-byte aligned, the same block for
// every work-item of a running group; a group has at most 4096 items): item
// `lid` writes slot lid of the first 4096 * 8 bytes, work-item 0 combines the
// slots (into RESULT, the last 64 bytes, or in place for a scan) and everyone
// reads the answer back. Every function ends with a barrier, so the next
// collective can reuse the buffer at once. As the spec requires, all items of
// the group must call the same collectives in the same order; the barriers are
// rewritten by the backend after these functions are inlined into the kernel.
// Sums are formed in local-linear-id order (a sequential reduction).
#include "lava_builtins.h"
#pragma OPENCL EXTENSION cl_khr_fp16 : enable

void *__lava_wg_scratch(void);

#define WG_ITEMS() (get_local_size(0) * get_local_size(1) * get_local_size(2))
#define WG_SYNC() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)
#define RESULT(T, S) (*(T *)((char *)(S) + 4096 * 8))

// ---- work_group_all / work_group_any --------------------------------------------
#define WG_PRED(NAME, INIT, COMBINE)                                          \
  OVL int NAME(int predicate) {                                               \
    int *s = (int *)__lava_wg_scratch();                                      \
    size_t lid = get_local_linear_id();                                       \
    s[lid] = predicate != 0;                                                  \
    WG_SYNC();                                                                \
    if (lid == 0) {                                                           \
      size_t n = WG_ITEMS();                                                  \
      int r = INIT;                                                           \
      for (size_t i = 0; i < n; ++i) r = r COMBINE s[i];                      \
      RESULT(int, s) = r;                                                     \
    }                                                                         \
    WG_SYNC();                                                                \
    int r = RESULT(int, s);                                                   \
    WG_SYNC();                                                                \
    return r;                                                                 \
  }
WG_PRED(work_group_all, 1, &)
WG_PRED(work_group_any, 0, |)

// ---- work_group_broadcast ----------------------------------------------------------
// The item whose local linear id is `from` publishes its value.
#define WG_BCAST_FROM(T)                                                      \
  static T lava_wg_broadcast_##T(T a, size_t from) {                          \
    T *s = (T *)__lava_wg_scratch();                                          \
    if (get_local_linear_id() == from) RESULT(T, s) = a;                      \
    WG_SYNC();                                                                \
    T r = RESULT(T, s);                                                       \
    WG_SYNC();                                                                \
    return r;                                                                 \
  }
#define WG_BCAST(T)                                                           \
  WG_BCAST_FROM(T)                                                            \
  OVL T work_group_broadcast(T a, size_t x) { return lava_wg_broadcast_##T(a, x); } \
  OVL T work_group_broadcast(T a, size_t x, size_t y) {                       \
    return lava_wg_broadcast_##T(a, y * get_local_size(0) + x);               \
  }                                                                           \
  OVL T work_group_broadcast(T a, size_t x, size_t y, size_t z) {             \
    return lava_wg_broadcast_##T(a, (z * get_local_size(1) + y) * get_local_size(0) + x); \
  }

// ---- reductions and scans ------------------------------------------------------------
#define OP_add(a, b) ((a) + (b))
#define OP_min(a, b) ((b) < (a) ? (b) : (a))
#define OP_max(a, b) ((b) > (a) ? (b) : (a))

#define WG_REDUCE(T, OP)                                                      \
  OVL T work_group_reduce_##OP(T a) {                                         \
    T *s = (T *)__lava_wg_scratch();                                          \
    size_t lid = get_local_linear_id();                                       \
    s[lid] = a;                                                               \
    WG_SYNC();                                                                \
    if (lid == 0) {                                                           \
      size_t n = WG_ITEMS();                                                  \
      T r = s[0];                                                             \
      for (size_t i = 1; i < n; ++i) r = OP_##OP(r, s[i]);                    \
      RESULT(T, s) = r;                                                       \
    }                                                                         \
    WG_SYNC();                                                                \
    T r = RESULT(T, s);                                                       \
    WG_SYNC();                                                                \
    return r;                                                                 \
  }

// Work-item 0 turns the slots into their prefix combination in place.
#define WG_SCAN_INCL(T, OP)                                                   \
  OVL T work_group_scan_inclusive_##OP(T a) {                                 \
    T *s = (T *)__lava_wg_scratch();                                          \
    size_t lid = get_local_linear_id();                                       \
    s[lid] = a;                                                               \
    WG_SYNC();                                                                \
    if (lid == 0) {                                                           \
      size_t n = WG_ITEMS();                                                  \
      T run = s[0];                                                           \
      for (size_t i = 1; i < n; ++i) s[i] = run = OP_##OP(run, s[i]);         \
    }                                                                         \
    WG_SYNC();                                                                \
    T r = s[lid];                                                             \
    WG_SYNC();                                                                \
    return r;                                                                 \
  }
// Exclusive: item 0 gets the identity of OP (0, the type's largest value for
// min and its smallest for max; +/-INFINITY for floating point).
#define WG_SCAN_EXCL(T, OP, ID)                                               \
  OVL T work_group_scan_exclusive_##OP(T a) {                                 \
    T *s = (T *)__lava_wg_scratch();                                          \
    size_t lid = get_local_linear_id();                                       \
    s[lid] = a;                                                               \
    WG_SYNC();                                                                \
    if (lid == 0) {                                                           \
      size_t n = WG_ITEMS();                                                  \
      T run = ID;                                                             \
      for (size_t i = 0; i < n; ++i) {                                        \
        T v = s[i];                                                           \
        s[i] = run;                                                           \
        run = OP_##OP(run, v);                                                \
      }                                                                       \
    }                                                                         \
    WG_SYNC();                                                                \
    T r = s[lid];                                                             \
    WG_SYNC();                                                                \
    return r;                                                                 \
  }

#define WG_TYPE(T, MINV, MAXV)                                                \
  WG_BCAST(T)                                                                 \
  WG_REDUCE(T, add) WG_REDUCE(T, min) WG_REDUCE(T, max)                       \
  WG_SCAN_INCL(T, add) WG_SCAN_INCL(T, min) WG_SCAN_INCL(T, max)              \
  WG_SCAN_EXCL(T, add, (T)0) WG_SCAN_EXCL(T, min, MAXV) WG_SCAN_EXCL(T, max, MINV)

WG_TYPE(int, INT_MIN, INT_MAX)
WG_TYPE(uint, 0u, UINT_MAX)
WG_TYPE(long, LONG_MIN, LONG_MAX)
WG_TYPE(ulong, 0ul, ULONG_MAX)
WG_TYPE(float, -INFINITY, INFINITY)
WG_TYPE(double, -(double)INFINITY, (double)INFINITY)
WG_TYPE(half, -(half)INFINITY, (half)INFINITY)
