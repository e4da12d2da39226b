// Semantics test (OpenCL C 1.2), executed on the host by run_semantics.sh.
// out[0] = id of the first failing check (0 = all passed), out[1] = failures.
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define CHECK(id, cond) do { if (!(cond)) { if (first == 0) first = id; ++fails; } } while (0)
#define VEQ(a, b) all((a) == (b))

__kernel void sem(__global long *out, __global float *fin, __global int *iin) {
  int first = 0, fails = 0;
  // fin = {0.5, -0.5, 1.5, 2.5, NaN, 3e9, -3e9, 300.7, -1.0, 1e-45}
  float h = fin[0], mh = fin[1], onep5 = fin[2], twop5 = fin[3], qnan = fin[4], big = fin[5],
        mbig = fin[6], f300 = fin[7], m1 = fin[8];
  int im = iin[0];   // INT_MIN
  int ip = iin[1];   // INT_MAX
  int i300 = iin[2]; // 300
  int in1 = iin[3];  // -1
  // --- conversions ---
  CHECK(1, convert_uchar_sat(i300) == 255);
  CHECK(2, convert_uchar_sat(in1) == 0);
  CHECK(3, convert_char_sat(i300) == 127);
  CHECK(4, convert_char_sat(-i300) == -128);
  CHECK(5, convert_uchar(i300) == 44);
  CHECK(6, convert_int_sat(qnan) == 0);
  CHECK(7, convert_int_sat(big) == 2147483647);
  CHECK(8, convert_int_sat(mbig) == im);
  CHECK(9, convert_uint_sat(big) == 3000000000u);
  CHECK(10, convert_uint_sat(mbig) == 0u);
  CHECK(11, convert_int_rte(twop5) == 2 && convert_int_rte(onep5) == 2);
  CHECK(12, convert_int_rtp(h) == 1 && convert_int_rtn(mh) == -1 && convert_int_rtz(mh) == 0);
  CHECK(13, convert_int(f300) == 300 && convert_int(-f300) == -300);
  CHECK(14, convert_uchar_sat(f300) == 255 && convert_char_sat(-f300) == -128);
  CHECK(15, VEQ(convert_int4_sat((float4)(qnan, big, mbig, f300)), (int4)(0, 2147483647, im, 300)));
  CHECK(16, VEQ(convert_uchar4_sat((int4)(i300, in1, 7, 255)), (uchar4)(255, 0, 7, 255)));
  CHECK(17, VEQ(convert_short2_sat((float2)(1e6f * twop5, -1e6f * twop5)), (short2)(32767, -32768)));
  CHECK(18, convert_long_sat(big * 1e10f) == 9223372036854775807L);
  CHECK(19, convert_ulong_sat(big * 1e10f) == 18446744073709551615ul);
  CHECK(20, convert_uint_sat((long)ip * 4) == 4294967295u && convert_int_sat((uint)ip + 5u) == ip);
  CHECK(21, convert_ulong_sat((long)in1) == 0 && convert_long_sat(18446744073709551615ul) == 9223372036854775807L);
  // int -> float rounding: 16777217 is not representable in float
  int i2p24p1 = 16777217 + (i300 - 300);
  CHECK(22, convert_float(i2p24p1) == 16777216.0f && convert_float_rtp(i2p24p1) == 16777218.0f &&
                convert_float_rtn(i2p24p1) == 16777216.0f && convert_float_rtz(-i2p24p1) == -16777216.0f);
  long lbig = 9223372036854775807L - (long)(i300 - 300);
  CHECK(23, convert_float_rtz(lbig) == 0x1.fffffep62f && convert_float(lbig) == 0x1p63f);
  CHECK(24, convert_float_rtp((double)h + 1e-12) > h && convert_float_rtn((double)h + 1e-12) == h);
  CHECK(25, VEQ(convert_float4_rtz((int4)(i2p24p1, -i2p24p1, 3, 0)), (float4)(16777216.0f, -16777216.0f, 3.0f, 0.0f)));
  // --- integer ---
  CHECK(30, rotate(0x80000001u, 1u) == 3u && rotate(0x80000001u, 33u) == 3u && rotate(1, -1) == im);
  CHECK(31, rotate((uchar)0x81, (uchar)1) == 3 && rotate((uchar)0x81, (uchar)9) == 3 && rotate((char)1, (char)7) == (char)-128);
  CHECK(32, VEQ(rotate((uchar4)(0x81, 1, 0xF0, 0x0F), (uchar4)(1, 8, 4, 12)), (uchar4)(3, 1, 0x0F, 0xF0)));
  CHECK(33, clz(0) == 32 && clz(1) == 31 && clz(in1) == 0 && clz((uchar)1) == 7 && clz((short)0) == 16 && clz(0L) == 64);
  CHECK(34, VEQ(clz((int4)(0, 1, in1, 256)), (int4)(32, 31, 0, 23)));
  CHECK(35, popcount(in1) == 32 && popcount((uchar)0xF0) == 4);
  CHECK(36, add_sat((char)100, (char)100) == 127 && sub_sat((uchar)3, (uchar)5) == 0 && add_sat(ip, 1) == ip &&
                sub_sat(im, 1) == im && add_sat((short)-30000, (short)-30000) == -32768);
  CHECK(37, abs(im) == 2147483648u && abs((char)-128) == 128 && abs_diff(ip, im) == 4294967295u &&
                abs_diff((char)-128, (char)127) == 255);
  CHECK(38, hadd(ip, ip) == ip && rhadd(1, 2) == 2 && hadd(-1, 0) == -1 && hadd(5u, 4u) == 4u);
  CHECK(39, mul_hi(ip, ip) == 0x3fffffff && mul_hi(in1, 1) == -1 && mul_hi(0xffffffffu, 2u) == 1u);
  CHECK(40, mul_hi(-1L, 1L) == -1L && mul_hi(0xffffffffffffffffUL, 0xffffffffffffffffUL) == 0xfffffffffffffffeUL &&
                mul_hi(0x100000000L, 0x100000000L) == 1L);
  CHECK(41, mad_sat(ip, 2, 0) == ip && mad_sat(im, 2, 0) == im && mad_sat(100, 100, 5) == 10005 &&
                mad_sat((uchar)20, (uchar)20, (uchar)0) == 255);
  CHECK(42, mad_sat(0x100000000L, 0x80000000L, -1L) == 9223372036854775807L &&
                mad_sat(0x100000000L, -0x80000000L, 0L) == (-9223372036854775807L - 1) &&
                mad_sat(0x100000000L, 0x80000000L, -2L) == 9223372036854775806L);
  CHECK(43, upsample((char)-1, (uchar)2) == (short)0xff02 && upsample(1, 2u) == 0x100000002L &&
                upsample((ushort)0xABCD, (ushort)0x1234) == 0xABCD1234u);
  CHECK(44, VEQ(max((int4)(1, 5, -3, 0), 2), (int4)(2, 5, 2, 2)) && VEQ(clamp((int2)(-5, 50), 0, 10), (int2)(0, 10)));
  // --- relational / select ---
  CHECK(50, VEQ(isequal((float4)(1.0f, qnan, 2.0f, 0.0f), (float4)(1.0f, qnan, 3.0f, -0.0f)), (int4)(-1, 0, 0, -1)));
  CHECK(51, isequal(1.0f, 1.0f) == 1 && isnan(qnan) == 1 && isnotequal(qnan, qnan) == 1 && isless(qnan, 1.0f) == 0);
  CHECK(52, VEQ(isnan((double2)(qnan, 1.0)), (long2)(-1, 0)) && VEQ(signbit((float2)(m1, h)), (int2)(-1, 0)));
  CHECK(53, signbit(-0.0f) == 1);
  CHECK(153, isinf(big * 1e30f) == 1);
  CHECK(253, isfinite(big) == 1);
  CHECK(353, isnormal(fin[9]) == 0);
  CHECK(54, VEQ(select((int4)(1, 2, 3, 4), (int4)(5, 6, 7, 8), (int4)(-1, 0, 0x80000000, 1)), (int4)(5, 2, 7, 4)));
  CHECK(55, select(1, 2, 1) == 2 && select(1, 2, 0) == 1 && select(h, m1, 5u) == m1);
  CHECK(56, VEQ(select((float2)(1.0f, 2.0f), (float2)(3.0f, 4.0f), (uint2)(0x80000000u, 0x7fffffffu)), (float2)(3.0f, 2.0f)));
  CHECK(57, bitselect(0xF0F0, 0x0F0F, 0xFF00) == 0x0FF0 && bitselect(h, m1, -0.0f) == -0.5f);
  CHECK(58, any((int4)(0, 0, im, 0)) == 1 && any((int4)(1, 2, 3, ip)) == 0 && all((int2)(-1, im)) == 1 &&
                all((int2)(-1, 1)) == 0 && any(im) == 1 && all(1) == 0);
  // --- math / common / geometric ---
  CHECK(60, fabs(sqrt(twop5 * twop5) - twop5) < 1e-6f && fabs(cbrt(27.0f * h * 2.0f) - 3.0f) < 1e-5f);
  CHECK(61, fmin(qnan, 1.0f) == 1.0f && fmax(1.0f, qnan) == 1.0f && isnan(fmin(qnan, qnan)));
  float ip0; int e;
  CHECK(62, fract(-onep5, &ip0) == 0.5f && ip0 == -2.0f && modf(-onep5, &ip0) == -0.5f && ip0 == -1.0f);
  CHECK(63, frexp(8.0f * h, &e) == 0.5f && e == 3 && ldexp(h, 3) == 4.0f && ilogb(8.0f) == 3);
  CHECK(64, fabs(sinpi(h) - 1.0f) < 1e-6f && cospi(h) == 0.0f && sinpi(1.0f + h * 0.0f) == 0.0f);
  CHECK(65, rootn(-8.0f * h * 2.0f, 3) == -2.0f && isnan(rootn(m1, 2)) && pown(m1 * 2.0f, 3) == -8.0f);
  CHECK(66, clamp(twop5, 0.0f, 1.0f) == 1.0f && mix(0.0f, 10.0f, h) == 5.0f && step(h, 0.0f) == 0.0f &&
                smoothstep(0.0f, 1.0f, h) == 0.5f && sign(mh) == -1.0f && sign(qnan) == 0.0f);
  CHECK(67, dot((float4)(1, 2, 3, 4), (float4)(1, 1, 1, 1)) == 10.0f && length((float2)(3, 4)) == 5.0f &&
                length((float2)(3e30f, 4e30f)) == 5e30f && VEQ(cross((float3)(1, 0, 0), (float3)(0, 1, 0)), (float3)(0, 0, 1)));
  CHECK(68, VEQ(normalize((float2)(0, 0)), (float2)(0, 0)) && VEQ(normalize((float2)(0, 3)), (float2)(0, 1)));
  CHECK(69, fabs(erf(h) - 0.5204999f) < 1e-6f && fabs(atan2(1.0f, 1.0f) - 0.7853982f) < 1e-6f &&
                fabs(tgamma(5.0f) - 24.0f) < 1e-4f);
  int sg;
  CHECK(70, fabs(lgamma_r(mh, &sg) - 1.2655121f) < 1e-5f && sg == -1);
  // --- vload/vstore ---
  float buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  float3 v3 = vload3(1, buf);
  CHECK(80, VEQ(v3, (float3)(4, 5, 6)) && VEQ(vload2(3, buf), (float2)(7, 8)));
  vstore3((float3)(9, 9, 9), 0, buf + 1);
  CHECK(81, buf[0] == 1 && buf[1] == 9 && buf[3] == 9 && buf[4] == 5);
  uint sh[4] = {0x11223344u, 0x55667788u, 0, 0};
  CHECK(82, VEQ(shuffle((uint4)(10, 20, 30, 40), (uint4)(3, 2, 1, 4)), (uint4)(40, 30, 20, 10)));
  CHECK(83, VEQ(shuffle2((int2)(1, 2), (int2)(3, 4), (uint4)(0, 3, 2, 5)), (int4)(1, 4, 3, 2)));
  out[0] = first;
  out[1] = fails;
}
