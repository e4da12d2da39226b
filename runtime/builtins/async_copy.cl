// Async copies between __global and __local memory (OpenCL 1.x/2.0 s6.13.10):
// async_work_group_copy and async_work_group_strided_copy for every gentype
// (char … double, half, and their 2/3/4/8/16 vectors), both directions, and
// wait_group_events for private event_t pointers (generic ones are in
// generic_async_copy.cl).
// On a CPU the copy is done at once, spread over the work-items of the group:
// item i copies elements i, i + W, i + 2W … (W = work-group size). Nothing is
// pending afterwards, so wait_group_events is a work-group barrier, which makes
// every item's part visible to the whole group. The backend rewrites the
// work-item functions and barriers after inlining these into the kernel.
#include "lava_builtins.h"
#pragma OPENCL EXTENSION cl_khr_fp16 : enable

// Not declared for OpenCL C 1.2 by the default header; the backend supplies it.
size_t OVL get_local_linear_id(void);

#define LAVA_WG_ITEMS() (get_local_size(0) * get_local_size(1) * get_local_size(2))

// event_t: clang-15 (which compiles the kernels) passes it as a plain `ptr`, but
// clang-19 (which compiles this library) gives an event_t parameter the type
// target("spirv.Event"), so definitions written with event_t would not match the
// kernels' calls. The copies are therefore C functions taking and returning
// void * (also a plain `ptr`), given the kernels' Itanium names with asm labels:
//   _Z21async_work_group_copyPU3AS<d><T>PU3AS<s>K<T'>m9ocl_event
//   _Z29async_work_group_strided_copyPU3AS<d><T>PU3AS<s>K<T'>mm9ocl_event
// where <T> is the element's mangling (i, Dh, Dv4_f …) and <T'> is <T> again
// for a scalar (builtin types are not substitution candidates) or S_ (the
// first substitution, the vector type) for a vector.
// Each returns the event passed in: there is never anything left to wait for.
#define ACOPY_NAME(BASE, DAS, SAS, MT, MS, SIZES)                              \
  __asm__(BASE "PU3AS" #DAS MT "PU3AS" #SAS "K" MS SIZES "9ocl_event")
#define ACOPY_FN(T, ID, MT, MS, DQ, DAS, SQ, SAS, TAG)                         \
  void *lava_acopy_##TAG##_##ID(DQ T *dst, const SQ T *src, size_t n, void *e) \
      ACOPY_NAME("_Z21async_work_group_copy", DAS, SAS, MT, MS, "m");          \
  void *lava_acopy_##TAG##_##ID(DQ T *dst, const SQ T *src, size_t n, void *e) { \
    size_t w = LAVA_WG_ITEMS();                                               \
    for (size_t i = get_local_linear_id(); i < n; i += w) dst[i] = src[i];    \
    return e;                                                                 \
  }
#define ASTRIDED_FN(T, ID, MT, MS, DQ, DAS, SQ, SAS, TAG, DSTRIDE, SSTRIDE)    \
  void *lava_astrided_##TAG##_##ID(DQ T *dst, const SQ T *src, size_t n, size_t stride, void *e) \
      ACOPY_NAME("_Z29async_work_group_strided_copy", DAS, SAS, MT, MS, "mm"); \
  void *lava_astrided_##TAG##_##ID(DQ T *dst, const SQ T *src, size_t n, size_t stride, void *e) { \
    size_t w = LAVA_WG_ITEMS();                                               \
    for (size_t i = get_local_linear_id(); i < n; i += w) dst[i DSTRIDE] = src[i SSTRIDE]; \
    return e;                                                                 \
  }
// T: type, ID: identifier-safe name, MT/MS: manglings as above.
// __global <- __local strided copies stride the destination, __local <- __global the source.
#define ACOPY_T(T, ID, MT, MS)                                                \
  ACOPY_FN(T, ID, MT, MS, __local, 3, __global, 1, lg)                        \
  ACOPY_FN(T, ID, MT, MS, __global, 1, __local, 3, gl)                        \
  ASTRIDED_FN(T, ID, MT, MS, __local, 3, __global, 1, lg, , * stride)         \
  ASTRIDED_FN(T, ID, MT, MS, __global, 1, __local, 3, gl, * stride, )
#define ACOPY_V(T, M, N) ACOPY_T(T##N, T##N, "Dv" #N "_" M, "S_")
#define ACOPY(T, M)                                                           \
  ACOPY_T(T, T, M, M)                                                         \
  ACOPY_V(T, M, 2) ACOPY_V(T, M, 3) ACOPY_V(T, M, 4) ACOPY_V(T, M, 8) ACOPY_V(T, M, 16)
ACOPY(char, "c") ACOPY(uchar, "h") ACOPY(short, "s") ACOPY(ushort, "t")
ACOPY(int, "i") ACOPY(uint, "j") ACOPY(long, "l") ACOPY(ulong, "m")
ACOPY(float, "f") ACOPY(double, "d") ACOPY(half, "Dh")

OVL void wait_group_events(int num_events, event_t *event_list) {
  barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
}
