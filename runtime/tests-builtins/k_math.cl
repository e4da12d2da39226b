// Coverage kernel (OpenCL C 1.2): math, native/half, common, geometric.
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
__kernel void math_f(__global float *o, __global const float4 *v4, __global float8 *v8,
                     __local float *lf, __global int *oi) {
  size_t g = get_global_id(0);
  float x = o[g], y = o[g + 1], z = o[g + 2];
  float4 a = v4[g], b = v4[g + 1];
  float r = sqrt(x) + rsqrt(x) + cbrt(x) + exp(x) + exp2(x) + exp10(x) + expm1(x) + log(x) +
            log2(x) + log10(x) + log1p(x) + pow(x, y) + pown(x, 3) + powr(x, y) + rootn(x, 3) +
            sin(x) + cos(x) + tan(x) + asin(x) + acos(x) + atan(x) + atan2(x, y) + sinh(x) +
            cosh(x) + tanh(x) + asinh(x) + acosh(x) + atanh(x) + sinpi(x) + cospi(x) + tanpi(x) +
            fabs(x) + floor(x) + ceil(x) + trunc(x) + round(x) + rint(x) + fmod(x, y) +
            remainder(x, y) + fmin(x, y) + fmax(x, y) + fdim(x, y) + fma(x, y, z) + mad(x, y, z) +
            hypot(x, y) + copysign(x, y) + ldexp(x, 3) + logb(x) + ilogb(x) + nextafter(x, y) +
            erf(x) + erfc(x) + tgamma(x) + lgamma(x) + asinpi(x) + acospi(x) + atanpi(x) +
            atan2pi(x, y) + maxmag(x, y) + minmag(x, y) + nan(1u);
  float ip; int e;
  r += fract(x, &ip) + modf(y, &ip) + sincos(z, &ip) + frexp(x, &e) + lgamma_r(x, &e) +
       remquo(x, y, &e) + ip + e;
  r += fract(x, &lf[g]) + sincos(x, &o[g + 5]) + frexp(x, &oi[g]);
  r += native_sin(x) + native_cos(x) + native_exp(x) + native_log(x) + native_sqrt(x) +
       native_rsqrt(x) + native_divide(x, y) + native_recip(x) + native_powr(x, y) +
       native_tan(x) + native_exp2(x) + native_log2(x) + native_exp10(x) + native_log10(x) +
       half_sin(x) + half_exp(x) + half_divide(x, y) + half_recip(x) + half_sqrt(x) + half_rsqrt(x) +
       half_log(x) + half_powr(x, y) + half_cos(x);
  r += clamp(x, y, z) + degrees(x) + radians(x) + max(x, y) + min(x, y) + mix(x, y, z) +
       step(x, y) + smoothstep(x, y, z) + sign(x);
  float4 c = sqrt(a) + exp(a) + pow(a, b) + sin(a) + cbrt(a) + erf(a) + atan2(a, b) + fma(a, b, a) +
             fmax(a, 1.0f) + fmin(a, b) + clamp(a, 0.0f, 1.0f) + clamp(a, b, b) + mix(a, b, 0.5f) +
             mix(a, b, a) + step(0.5f, a) + smoothstep(0.0f, 1.0f, a) + max(a, 2.0f) + min(a, b) +
             sign(a) + native_exp(a) + half_sqrt(a) + native_divide(a, b) + rsqrt(a) + ldexp(a, 2) +
             ldexp(a, (int4)(1, 2, 3, 4)) + pown(a, (int4)2) + tanpi(a) + fract(a, &c) + hypot(a, b) +
             convert_float4(ilogb(a)) + remquo(a, b, (int4 *)&e) + normalize(a) + cross(a, b) +
             fast_normalize(a) + lgamma_r(a, (int4 *)&e) + frexp(a, (int4 *)&e);
  float8 d = v8[g];
  d = exp(d) + log(d) + tgamma(d) + fmax(d, 0.0f) + sincos(d, &v8[g + 1]) + mix(d, d, 0.25f) +
      native_sin(d) + half_exp(d) + modf(d, &v8[g + 2]);
  float3 f3 = vload3(g, o);
  f3 = cross(f3, f3) + normalize(f3) + fract(f3, &f3) + sqrt(f3) + rootn(f3, (int3)3);
  r += dot(a, b) + length(a) + distance(a, b) + fast_length(a) + fast_distance(a, b) +
       dot(f3, f3) + length(f3) + dot(a.xy, b.xy) + length(x) + dot(x, y) + normalize(x) + fast_length(x);
  o[g] = r + c.x + d.s3 + f3.y;
  v8[g] = d;
  vstore3(f3, g, o);
}

__kernel void math_d(__global double *o, __global double2 *v2, __global double16 *v16) {
  size_t g = get_global_id(0);
  double x = o[g], y = o[g + 1], z = o[g + 2];
  double r = sqrt(x) + rsqrt(x) + exp(x) + log(x) + pow(x, y) + sin(x) + cos(x) + atan2(x, y) +
             erf(x) + tgamma(x) + fma(x, y, z) + mad(x, y, z) + fmin(x, y) + hypot(x, y) +
             ldexp(x, 2) + ilogb(x) + nan(3ul) + fmod(x, y) + cbrt(x) + sinpi(x) + mix(x, y, z) +
             clamp(x, y, z) + smoothstep(x, y, z) + sign(x) + degrees(x) + pown(x, 2) + rootn(x, 2);
  double ip; int e;
  r += fract(x, &ip) + modf(x, &ip) + sincos(x, &ip) + frexp(x, &e) + remquo(x, y, &e) + ip + e;
  double2 a = v2[g];
  a = sqrt(a) + exp(a) + erf(a) + fmax(a, 0.0) + clamp(a, 0.0, 1.0) + normalize(a) + fract(a, &v2[g + 1]);
  double4 a4 = (double4)(a, a);
  a4 = cross(a4, a4) + (double4)(dot(a4, a4)) + (double4)(length(a4)) + (double4)(distance(a4, a4));
  double3 a3 = cross(a4.xyz, a4.xyz);
  double16 b = v16[g];
  b = sin(b) + lgamma(b) + mix(b, b, 0.5) + step(b, b) + fmin(b, 1.0) + ldexp(b, 3) + rootn(b, (int16)2);
  o[g] = r + a.x + a4.w + a3.z + b.sf;
  v16[g] = b;
}
