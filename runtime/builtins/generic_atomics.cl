// OpenCL 2.0 C11-style atomics on generic pointers (compiled with -cl-std=CL2.0):
// atomic_init/load/store/exchange/compare_exchange_strong/weak for
// atomic_int/uint/long/ulong/float/double, atomic_fetch_{add,sub,or,xor,and,
// min,max} for the integer types (plus add/sub/min/max for atomic_float/double,
// cl_ext_float_atomics), all with their _explicit(order[, scope]) forms,
// atomic_flag_test_and_set/clear and atomic_work_item_fence.
#include "lava_builtins.h"
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable

#define SC memory_order_seq_cst
#define DEV memory_scope_device

// NAME(obj, arg) -> T  with implicit, order and order+scope forms.
#define AFETCH(A, T, NAME, BI)                                                \
  OVL T NAME(volatile A *p, T v) { return BI(p, v, SC, DEV); }                \
  OVL T NAME##_explicit(volatile A *p, T v, memory_order o) { return BI(p, v, o, DEV); } \
  OVL T NAME##_explicit(volatile A *p, T v, memory_order o, memory_scope s) { return BI(p, v, o, s); }

#define ABASIC(A, T)                                                          \
  OVL void atomic_init(volatile A *p, T v) { __opencl_atomic_init(p, v); }    \
  OVL void atomic_store(volatile A *p, T v) { __opencl_atomic_store(p, v, SC, DEV); } \
  OVL void atomic_store_explicit(volatile A *p, T v, memory_order o) { __opencl_atomic_store(p, v, o, DEV); } \
  OVL void atomic_store_explicit(volatile A *p, T v, memory_order o, memory_scope s) { __opencl_atomic_store(p, v, o, s); } \
  OVL T atomic_load(volatile A *p) { return __opencl_atomic_load(p, SC, DEV); } \
  OVL T atomic_load_explicit(volatile A *p, memory_order o) { return __opencl_atomic_load(p, o, DEV); } \
  OVL T atomic_load_explicit(volatile A *p, memory_order o, memory_scope s) { return __opencl_atomic_load(p, o, s); } \
  AFETCH(A, T, atomic_exchange, __opencl_atomic_exchange)                     \
  ACMPX(A, T, strong) ACMPX(A, T, weak)

#define ACMPX(A, T, KIND)                                                     \
  OVL bool atomic_compare_exchange_##KIND(volatile A *p, T *e, T d) {         \
    return __opencl_atomic_compare_exchange_##KIND(p, e, d, SC, SC, DEV);     \
  }                                                                           \
  OVL bool atomic_compare_exchange_##KIND##_explicit(volatile A *p, T *e, T d, memory_order os, memory_order of) { \
    return __opencl_atomic_compare_exchange_##KIND(p, e, d, os, of, DEV);     \
  }                                                                           \
  OVL bool atomic_compare_exchange_##KIND##_explicit(volatile A *p, T *e, T d, memory_order os, memory_order of, memory_scope s) { \
    return __opencl_atomic_compare_exchange_##KIND(p, e, d, os, of, s);       \
  }

#define AINT(A, T)                                                            \
  ABASIC(A, T)                                                                \
  AFETCH(A, T, atomic_fetch_add, __opencl_atomic_fetch_add)                   \
  AFETCH(A, T, atomic_fetch_sub, __opencl_atomic_fetch_sub)                   \
  AFETCH(A, T, atomic_fetch_or, __opencl_atomic_fetch_or)                     \
  AFETCH(A, T, atomic_fetch_xor, __opencl_atomic_fetch_xor)                   \
  AFETCH(A, T, atomic_fetch_and, __opencl_atomic_fetch_and)                   \
  AFETCH(A, T, atomic_fetch_min, __opencl_atomic_fetch_min)                   \
  AFETCH(A, T, atomic_fetch_max, __opencl_atomic_fetch_max)

#define AFLT(A, T)                                                            \
  ABASIC(A, T)                                                                \
  AFETCH(A, T, atomic_fetch_add, __opencl_atomic_fetch_add)                   \
  AFETCH(A, T, atomic_fetch_sub, __opencl_atomic_fetch_sub)                   \
  AFETCH(A, T, atomic_fetch_min, __opencl_atomic_fetch_min)                   \
  AFETCH(A, T, atomic_fetch_max, __opencl_atomic_fetch_max)

AINT(atomic_int, int)
AINT(atomic_uint, uint)
AINT(atomic_long, long)
AINT(atomic_ulong, ulong)
AFLT(atomic_float, float)
AFLT(atomic_double, double)




// atomic_uintptr_t with a ptrdiff_t operand
#define UPTR(NAME, BI)                                                        \
  OVL uintptr_t NAME(volatile atomic_uintptr_t *p, ptrdiff_t v) { return BI(p, (uintptr_t)v, SC, DEV); } \
  OVL uintptr_t NAME##_explicit(volatile atomic_uintptr_t *p, ptrdiff_t v, memory_order o) { return BI(p, (uintptr_t)v, o, DEV); } \
  OVL uintptr_t NAME##_explicit(volatile atomic_uintptr_t *p, ptrdiff_t v, memory_order o, memory_scope s) { return BI(p, (uintptr_t)v, o, s); }
UPTR(atomic_fetch_add, __opencl_atomic_fetch_add)
UPTR(atomic_fetch_sub, __opencl_atomic_fetch_sub)

OVL bool atomic_flag_test_and_set(volatile atomic_flag *p) {
  return __opencl_atomic_exchange((volatile atomic_int *)p, 1, SC, DEV) != 0;
}
OVL bool atomic_flag_test_and_set_explicit(volatile atomic_flag *p, memory_order o) {
  return __opencl_atomic_exchange((volatile atomic_int *)p, 1, o, DEV) != 0;
}
OVL bool atomic_flag_test_and_set_explicit(volatile atomic_flag *p, memory_order o, memory_scope s) {
  return __opencl_atomic_exchange((volatile atomic_int *)p, 1, o, s) != 0;
}
OVL void atomic_flag_clear(volatile atomic_flag *p) { __opencl_atomic_store((volatile atomic_int *)p, 0, SC, DEV); }
OVL void atomic_flag_clear_explicit(volatile atomic_flag *p, memory_order o) {
  __opencl_atomic_store((volatile atomic_int *)p, 0, o, DEV);
}
OVL void atomic_flag_clear_explicit(volatile atomic_flag *p, memory_order o, memory_scope s) {
  __opencl_atomic_store((volatile atomic_int *)p, 0, o, s);
}

// A CPU has one coherent memory: any non-relaxed fence is a full fence.
OVL void atomic_work_item_fence(cl_mem_fence_flags flags, memory_order o, memory_scope s) {
  if (o != memory_order_relaxed) __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
