// Coverage kernel (OpenCL C 2.0): work-group collective functions for every type,
// and async copies / wait_group_events (generic event_t pointer) from a 2.0 kernel.
// extra-flags: -fdeclare-opencl-builtins
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#define WG(T)                                                                 \
  {                                                                           \
    __global T *p = (__global T *)g;                                          \
    T x = p[get_global_id(0)];                                                \
    T r = work_group_broadcast(x, 1) + work_group_broadcast(x, 1, 0) +       \
          work_group_broadcast(x, 0, 0, 0) + work_group_reduce_add(x) +       \
          work_group_reduce_min(x) + work_group_reduce_max(x) +               \
          work_group_scan_inclusive_add(x) + work_group_scan_inclusive_min(x) + \
          work_group_scan_inclusive_max(x) + work_group_scan_exclusive_add(x) + \
          work_group_scan_exclusive_min(x) + work_group_scan_exclusive_max(x); \
    p[get_global_id(0)] = r;                                                  \
  }
__kernel void wg(__global long *g, __local float *l) {
  int any = work_group_any((int)g[0]), all = work_group_all((int)g[1]);
  WG(int) WG(uint) WG(long) WG(ulong) WG(float) WG(double) WG(half)
  event_t e = async_work_group_copy(l, (__global float *)g, 16, 0);
  e = async_work_group_strided_copy((__global float *)g, l, 16, 2, e);
  wait_group_events(1, &e);
  g[0] = any + all;
}
