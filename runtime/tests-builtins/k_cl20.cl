// Coverage kernel (OpenCL C 2.0): generic-pointer builtins and C11-style atomics.
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
__kernel void cl20(__global float *gf, __local float *lf, __constant float *cf, __global atomic_int *ai,
                   __global atomic_uint *au, __global atomic_float *af, __local atomic_int *lai,
                   __global int *out, __global half *gh, __global atomic_long *al) {
  size_t g = get_global_id(0);
  float ip;
  float x = gf[g];
  int e;
  float r = fract(x, &ip) + modf(x, &gf[g + 1]) + sincos(x, &lf[g]) + frexp(x, &e) + remquo(x, x, &e) +
            lgamma_r(x, &e) + ip + e;
  float4 v = vload4(g, gf) + vload4(g, lf) + vload4(g, cf) + fract(vload4(0, gf), (float4 *)&gf[g]);
  float3 v3 = vload3(g, gf);
  vstore4(v, g, gf);
  vstore3(v3, g, lf);
  vstore_half4(v, g, gh);
  r += vload_half(g, gh);
  // ordinary builtins from a 2.0 kernel
  r += sqrt(x) + clamp(x, 0.0f, 1.0f) + dot(v, v) + convert_float(convert_int_sat(x)) + ctz(e) +
       popcount(e) + select(x, r, e);
  atomic_init(ai, 0);
  int o = atomic_load(ai) + atomic_fetch_add(ai, 1) + atomic_fetch_sub_explicit(ai, 1, memory_order_relaxed) +
          atomic_fetch_or(ai, 1) + atomic_fetch_and(ai, 1) + atomic_fetch_xor(ai, 1) + atomic_fetch_min(ai, 1) +
          atomic_fetch_max_explicit(ai, 1, memory_order_acq_rel, memory_scope_work_group) +
          atomic_exchange(ai, 3) + atomic_load_explicit(ai, memory_order_acquire);
  atomic_store(ai, 5);
  atomic_store_explicit(ai, 6, memory_order_release);
  int exp = 5;
  o += atomic_compare_exchange_strong(ai, &exp, 7);
  o += atomic_compare_exchange_weak_explicit(ai, &exp, 8, memory_order_seq_cst, memory_order_relaxed);
  o += atomic_compare_exchange_strong_explicit(ai, &exp, 8, memory_order_acq_rel, memory_order_acquire,
                                               memory_scope_device);
  uint ue = 1;
  o += atomic_fetch_add(au, 1u) + atomic_fetch_max(au, 2u) + atomic_compare_exchange_weak(au, &ue, 3u);
  o += atomic_fetch_add(lai, 1) + atomic_exchange(lai, 2);
  atomic_store(af, 1.0f);
  r += atomic_load(af) + atomic_exchange(af, 2.0f);
  o += (int)(atomic_fetch_add(al, 1L) + atomic_load(al));
  o += atomic_flag_test_and_set((volatile atomic_flag *)ai);
  atomic_flag_clear((volatile atomic_flag *)ai);
  atomic_work_item_fence(CLK_GLOBAL_MEM_FENCE, memory_order_seq_cst, memory_scope_device);
  work_group_barrier(CLK_LOCAL_MEM_FENCE);
  out[g] = o + (int)r + (int)v3.y;
}
