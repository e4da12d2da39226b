// Coverage kernel (OpenCL C 1.2): integer, relational, select, conversions, vload/vstore, atomics.
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable
__kernel void ints(__global int *oi, __global uint *ou, __global char16 *c16, __global short4 *s4,
                   __global long *ol, __global ulong2 *ul2, __global uchar *uc) {
  size_t g = get_global_id(0);
  int x = oi[g], y = oi[g + 1], z = oi[g + 2];
  uint u = ou[g], w = ou[g + 1];
  int r = abs(x) + abs_diff(x, y) + add_sat(x, y) + sub_sat(x, y) + hadd(x, y) + rhadd(x, y) +
          clamp(x, y, z) + clz(x) + popcount(x) + mad_hi(x, y, z) + mad_sat(x, y, z) + max(x, y) +
          min(x, y) + mul_hi(x, y) + rotate(x, y) + mad24(x, y, z) + mul24(x, y);
  r += abs(u) + clz(u) + rotate(u, w) + mul_hi(u, w) + mad24(u, w, u) + mul24(u, w) + add_sat(u, w) + hadd(u, w);
  char16 c = c16[g];
  c = add_sat(c, c) + clz(c) + popcount(c) + rotate(c, (char16)3) + max(c, (char)5) + min(c, c) +
      clamp(c, (char)-3, (char)3) + mul_hi(c, c) + mad_sat(c, c, c) + hadd(c, c) + as_char16(abs(c)) +
      as_char16(abs_diff(c, c));
  short4 s = s4[g];
  int4 up = upsample(s, as_ushort4(s));
  short4 s2 = upsample(convert_char4(s), convert_uchar4(s));
  long l = ol[g];
  ulong2 m = ul2[g];
  l = mul_hi(l, l) + mad_sat(l, l, l) + clz(l) + popcount(l) + rotate(l, l) + upsample(x, u) +
      abs_diff(l, l) + sub_sat(l, l) + max(l, 3L);
  m = mul_hi(m, m) + mad_sat(m, m, m) + rotate(m, m) + upsample((uint2)u, (uint2)w) + clamp(m, 1ul, 2ul);
  uchar ucx = uc[g];
  ucx = add_sat(ucx, ucx) + sub_sat(ucx, (uchar)1) + rhadd(ucx, ucx) + rotate(ucx, (uchar)1);
  oi[g] = r + up.x + s2.y + c.s3 + (int)l + (int)m.y + ucx;
  c16[g] = c;
  ul2[g] = m;
}

__kernel void rel(__global float4 *f4, __global double2 *d2, __global int *oi, __global float *of,
                  __global long2 *l2, __global char8 *c8) {
  size_t g = get_global_id(0);
  float4 a = f4[g], b = f4[g + 1];
  float x = of[g], y = of[g + 1];
  int4 m = isequal(a, b) + isnotequal(a, b) + isgreater(a, b) + isgreaterequal(a, b) + isless(a, b) +
           islessequal(a, b) + islessgreater(a, b) + isfinite(a) + isinf(a) + isnan(a) + isnormal(a) +
           signbit(a) + isordered(a, b) + isunordered(a, b);
  int r = isequal(x, y) + isnan(x) + isinf(x) + isfinite(x) + signbit(x) + isnormal(x) + any(m) + all(m) +
          any(x > y ? -1 : 0) + all(m.xy);
  double2 d = d2[g];
  long2 lm = isless(d, d) + isnan(d) + signbit(d);
  r += isgreater(d.x, d.y) + any(lm) + all(lm) + any(c8[g]);
  float4 s = select(a, b, m) + select(a, b, as_uint4(m)) + bitselect(a, b, a);
  double2 ds = select(d, d, lm) + bitselect(d, d, d);
  float sx = select(x, y, r) + bitselect(x, y, x);
  char8 c = select(c8[g], c8[g + 1], c8[g]) + bitselect(c8[g], c8[g], c8[g]);
  oi[g] = r;
  f4[g] = s + sx;
  d2[g] = ds;
  l2[g] = lm;
  c8[g] = c;
}

__kernel void conv(__global float4 *f4, __global int4 *i4, __global uchar4 *u4, __global double *d,
                   __global char16 *c16, __global ulong3 *ul3, __global short *sh, __global long *ol) {
  size_t g = get_global_id(0);
  float4 f = f4[g];
  int4 i = convert_int4(f) + convert_int4_rte(f) + convert_int4_rtz(f) + convert_int4_rtp(f) +
           convert_int4_rtn(f) + convert_int4_sat(f) + convert_int4_sat_rte(f) + convert_int4(u4[g]);
  u4[g] = convert_uchar4_sat(i) + convert_uchar4_sat(f) + convert_uchar4(f) + convert_uchar4_sat_rtn(f);
  f4[g] = convert_float4(i) + convert_float4_rtz(i) + convert_float4_rtp(convert_long4(i)) + convert_float4(u4[g]);
  double dd = d[g];
  int si = convert_int(dd) + convert_int_sat(dd) + convert_int_rte(dd) + convert_int_sat_rtp(dd) + convert_int(f.x);
  d[g] = convert_double(si) + convert_double_rtz(ol[g]) + convert_double(f.y) + convert_float_rtn(dd);
  c16[g] = convert_char16_sat(convert_int16(c16[g]) * 3) + convert_char16(convert_float16(c16[g]));
  ul3[g] = convert_ulong3_sat(convert_long3(i.xyz)) + convert_ulong3(convert_double3(f.xyz)) +
           convert_ulong3_sat_rte(f.xyz);
  sh[g] = convert_short_sat(si) + convert_short(dd) + convert_short_sat(ol[g]) + convert_short_sat(ul3[g].x);
  ol[g] = convert_long_sat(f.x) + convert_long_sat_rtz(dd) + convert_long(convert_ulong(si));
  i4[g] = i + convert_int4(convert_double4(i)) + convert_int4_sat(convert_uint4(i));
}

__kernel void loads(__global const float *gf, __local float *lf, __constant float *cf, __global int *gi,
                    __global half *gh, __constant half *ch, __global double *gd, __global char *gc,
                    __global ulong *gul) {
  size_t g = get_global_id(0);
  float pf[16];
  float4 a = vload4(g, gf) + vload4(0, lf) + vload4(1, cf);
  float3 b = vload3(g, gf) + vload3(g, cf);
  float16 c = vload16(g, gf);
  vstore16(c, 0, pf);
  float8 d = vload8(0, pf) + vload8(g, lf);
  vstore4(a, g, lf);
  vstore3(b, g, lf);
  vstore8(d, g, gi == 0 ? lf : lf);
  int2 i2 = vload2(g, gi);
  vstore2(i2, g + 1, gi);
  float h = vload_half(g, gh) + vload_half(g, ch);
  float4 h4 = vload_half4(g, gh) + vloada_half4(g, ch);
  vstore_half(h, g, gh);
  vstore_half_rtz(h, g, gh);
  vstore_half4(h4, g, gh);
  vstore_half4_rtp(h4, g, gh);
  vstorea_half4(h4, g, gh);
  vstore_half(gd[g], g, gh);
  double2 dd = vload2(g, gd);
  vstore2(dd, g, gd);
  char16 cc = vload16(g, gc);
  vstore16(cc, g + 1, gc);
  ulong3 u3 = vload3(g, gul);
  vstore3(u3, g, gul);
  vstore3(vload3(g, gi), g, gi);
  prefetch(gf, 16);
}

__kernel void atomics(volatile __global int *gi, volatile __global uint *gu, volatile __local int *li,
                      volatile __global float *gf, volatile __global long *gl, volatile __local ulong *lu,
                      __global int *out) {
  int r = atomic_add(gi, 1) + atomic_sub(gi, 1) + atomic_xchg(gi, 2) + atomic_inc(gi) + atomic_dec(gi) +
          atomic_cmpxchg(gi, 1, 2) + atomic_min(gi, 3) + atomic_max(gi, 4) + atomic_and(gi, 5) +
          atomic_or(gi, 6) + atomic_xor(gi, 7);
  r += atomic_add(gu, 1u) + atomic_min(gu, 2u) + atomic_cmpxchg(gu, 0u, 1u);
  r += atomic_add(li, 1) + atomic_cmpxchg(li, 0, 1) + atomic_inc(li);
  r += atom_add(gi, 1) + atom_cmpxchg(gi, 1, 2) + atom_inc(li) + atom_xchg(gu, 1u) + atom_max(gi, 1);
  r += (int)atomic_xchg(gf, 1.0f);
  r += (int)(atom_add(gl, 1L) + atom_cmpxchg(gl, 1L, 2L) + atom_min(gl, 3L) + atom_xor(lu, 1ul) + atom_inc(lu));
  *out = r;
}
