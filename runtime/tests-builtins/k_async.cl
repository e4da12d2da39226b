// Coverage kernel (OpenCL C 1.2): async_work_group_copy / async_work_group_strided_copy
// for every gentype in both directions, and wait_group_events.
// extra-flags: -fdeclare-opencl-builtins
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#define C1(T)                                                                 \
  e = async_work_group_copy((__local T *)lc, (const __global T *)gc, n, e);   \
  e = async_work_group_copy((__global T *)gc, (const __local T *)lc, n, e);   \
  e = async_work_group_strided_copy((__local T *)lc, (const __global T *)gc, n, 3, e); \
  e = async_work_group_strided_copy((__global T *)gc, (const __local T *)lc, n, 3, e);
#define CV(T) C1(T) C1(T##2) C1(T##3) C1(T##4) C1(T##8) C1(T##16)
__kernel void acopy(__global char *gc, __local char *lc, uint n) {
  event_t e = 0;
  CV(char) CV(uchar) CV(short) CV(ushort) CV(int) CV(uint) CV(long) CV(ulong) CV(float) CV(double) CV(half)
  wait_group_events(1, &e);
  event_t ev[2];
  ev[0] = async_work_group_copy((__local int *)lc, (const __global int *)gc, n, 0);
  ev[1] = async_work_group_strided_copy((__local int *)lc, (const __global int *)gc, n, 2, 0);
  wait_group_events(2, ev);
}
