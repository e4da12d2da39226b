namespace LavaAccel.Tests.Differential;

/// <summary>
/// Kernels in the styles users write — reductions, sorts, stencils with constant filters, atomics
/// through compare-and-swap, vector math, doubles, integer bit tricks, 3-D ranges, private arrays
/// and control flow — none of them part of the suite lava's backend was developed against.
/// </summary>
public static class DifferentialKernels
{
    public static IReadOnlyList<DifferentialCase> All { get; } =
    [
        new("matvec_local_reduction", """
            __kernel void matvec(int cols, __global const float* A, __global const float* x, __global float* y, __local float* partial)
            {
                int row = get_group_id(0);
                int lid = get_local_id(0);
                int lsz = get_local_size(0);
                float sum = 0.0f;
                for (int c = lid; c < cols; c += lsz)
                    sum += A[row * cols + c] * x[c];
                partial[lid] = sum;
                barrier(CLK_LOCAL_MEM_FENCE);
                for (int s = lsz / 2; s > 0; s >>= 1) {
                    if (lid < s) partial[lid] += partial[lid + s];
                    barrier(CLK_LOCAL_MEM_FENCE);
                }
                if (lid == 0) y[row] = partial[0];
            }
            """, "matvec", [64 * 32], [32], ["cols=200", "A=random:12800:3", "x=random:200:4", "y=zeros:64", "partial=local:32"], 1e-4),

        new("bitonic_sort_local", """
            #define N 128
            __kernel void bitonic(__global int* data)
            {
                __local int buf[N];
                int lid = get_local_id(0);
                int base = get_group_id(0) * N;
                buf[lid] = data[base + lid];
                barrier(CLK_LOCAL_MEM_FENCE);
                for (int k = 2; k <= N; k <<= 1) {
                    for (int j = k >> 1; j > 0; j >>= 1) {
                        int ixj = lid ^ j;
                        if (ixj > lid) {
                            int a = buf[lid], b = buf[ixj];
                            bool up = (lid & k) == 0;
                            if ((a > b) == up) { buf[lid] = b; buf[ixj] = a; }
                        }
                        barrier(CLK_LOCAL_MEM_FENCE);
                    }
                }
                data[base + lid] = buf[lid];
            }
            """, "bitonic", [512], [128], ["data=random:512:9"]),

        new("conv2d_constant_filter", """
            __kernel void conv(int w, int h, __global const float* in, __constant float* filter, __global float* out)
            {
                int x = get_global_id(0), y = get_global_id(1);
                float acc = 0.0f;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        int sx = clamp(x + dx, 0, w - 1), sy = clamp(y + dy, 0, h - 1);
                        acc = mad(in[sy * w + sx], filter[(dy + 1) * 3 + dx + 1], acc);
                    }
                out[y * w + x] = acc;
            }
            """, "conv", [48, 40], [16, 4], ["w=48", "h=40", "in=random:1920:5", "filter=random:9:6", "out=zeros:1920"], 1e-5),

        new("atomic_max_via_cmpxchg", """
            __kernel void amax(__global const int* v, __global int* result, __global int* count)
            {
                int x = v[get_global_id(0)];
                int old = *result;
                while (x > old) {
                    int seen = atomic_cmpxchg(result, old, x);
                    if (seen == old) break;
                    old = seen;
                }
                atomic_inc(count);
            }
            """, "amax", [4096], null, ["v=random:4096:11", "result=zeros:1", "count=zeros:1"]),

        new("vector_geometry", """
            __kernel void geo(__global const float4* a, __global const float4* b, __global float4* n, __global float* d)
            {
                size_t i = get_global_id(0);
                float4 p = a[i], q = b[i];
                float4 c = cross(p, q);
                n[i] = normalize(c + (float4)(0.0f, 0.0f, 1e-3f, 0.0f));
                float4 v = vload4(i, (__global const float*)a);
                d[i] = dot(p, q) + length(v) - distance(p, q) + fmax(v.x, v.w);
            }
            """, "geo", [256], null, ["a=random:256:1", "b=random:256:2", "n=zeros:256", "d=zeros:256"], 1e-4),

        new("double_horner", """
            #pragma OPENCL EXTENSION cl_khr_fp64 : enable
            __kernel void horner(__global const double* x, __global double* y)
            {
                size_t i = get_global_id(0);
                double t = x[i], r = 0.0;
                const double c[6] = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125};
                for (int k = 5; k >= 0; k--) r = fma(r, t, c[k]);
                y[i] = r + sqrt(t) * exp(-t);
            }
            """, "horner", [1024], null, ["x=random:1024:7", "y=zeros:1024"], 1e-12),

        new("integer_bits", """
            __kernel void bits(__global const uint* a, __global const uint* b, __global uint* out, __global uchar* sat)
            {
                size_t i = get_global_id(0);
                uint x = a[i] * 2654435761u, y = b[i] + 17u;
                out[4 * i + 0] = popcount(x) + clz(y) * 100u;
                out[4 * i + 1] = rotate(x, (uint)(i % 31));
                out[4 * i + 2] = mul_hi(x, y) ^ mad24(y & 0xFFFFu, 3u, 5u);
                out[4 * i + 3] = (x >> (i % 7)) | (y << 3);
                sat[i] = convert_uchar_sat((int)(a[i] * 3) - 40);
            }
            """, "bits", [512], null, ["a=random:512:13", "b=random:512:14", "out=zeros:2048", "sat=zeros:512"]),

        new("three_d_range", """
            __kernel void grid(__global int* out)
            {
                size_t x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
                size_t w = get_global_size(0), h = get_global_size(1);
                out[(z * h + y) * w + x] = (int)(x * 10000 + y * 100 + z) - (int)get_local_id(1) * 7 + (int)get_group_id(2) * 3 + (int)get_num_groups(0);
            }
            """, "grid", [8, 6, 4], [4, 3, 2], ["out=zeros:192"]),

        new("private_sort_and_control_flow", """
            static void sort8(float* v)
            {
                for (int i = 0; i < 8; i++)
                    for (int j = 0; j < 7 - i; j++)
                        if (v[j] > v[j + 1]) { float t = v[j]; v[j] = v[j + 1]; v[j + 1] = t; }
            }
            __kernel void median8(__global const float* in, __global float* out, int mode)
            {
                size_t i = get_global_id(0);
                float v[8];
                for (int k = 0; k < 8; k++) v[k] = in[i * 8 + k];
                sort8(v);
                float r;
                switch (mode) {
                    case 0: r = v[0]; break;
                    case 1: r = 0.5f * (v[3] + v[4]); break;
                    default: r = v[7];
                }
                for (int k = 0; k < 8; k++) { if (v[k] < 0.1f) continue; if (v[k] > 0.9f) break; r += 0.001f * v[k]; }
                out[i] = i % 3 == 0 ? -r : r;
            }
            """, "median8", [300], [100], ["in=random:2400:21", "out=zeros:300", "mode=1"], 1e-6),

        new("math_functions", """
            __kernel void mathf(__global const float* x, __global float* y)
            {
                size_t i = get_global_id(0);
                float t = x[i] * 4.0f - 2.0f;
                y[i] = sin(t) + cos(2.0f * t) + atan2(t, 1.5f) + pow(fabs(t) + 0.5f, 1.7f)
                     + fmod(t * 7.0f, 1.3f) + hypot(t, 2.0f) + erf(t) + log1p(fabs(t)) + cbrt(t) + tanh(t);
            }
            """, "mathf", [1024], null, ["x=random:1024:31", "y=zeros:1024"], 2e-5),

        new("local_atomics_histogram", """
            __kernel void hist(__global const uint* data, __global uint* bins)
            {
                __local uint local_bins[16];
                int lid = get_local_id(0);
                if (lid < 16) local_bins[lid] = 0;
                barrier(CLK_LOCAL_MEM_FENCE);
                atomic_inc(&local_bins[data[get_global_id(0)] % 16]);
                barrier(CLK_LOCAL_MEM_FENCE);
                if (lid < 16) atomic_add(&bins[lid], local_bins[lid]);
            }
            """, "hist", [2048], [64], ["data=random:2048:41", "bins=zeros:16"]),

        new("select_and_masks", """
            __kernel void masks(__global const int4* a, __global const int4* b, __global int4* out, __global int* flags)
            {
                size_t i = get_global_id(0);
                int4 p = a[i], q = b[i];
                int4 m = p > q;
                out[i] = select(q, p, m) + (int4)(any(m), all(m), 0, 1) * 1000;
                flags[i] = convert_int(dot(convert_float4(p), (float4)(1.0f))) + (int)(p.x == q.y);
            }
            """, "masks", [128], null, ["a=random:128:51", "b=random:128:52", "out=zeros:128", "flags=zeros:128"]),

        new("private_struct_particles", """
            typedef struct { float2 pos; float2 vel; } Particle;
            static Particle step(Particle p, float dt) { p.vel.y -= 9.81f * dt; p.pos += p.vel * dt; if (p.pos.y < 0.0f) { p.pos.y = -p.pos.y; p.vel.y = -0.8f * p.vel.y; } return p; }
            __kernel void simulate(__global float4* state, float dt, int steps)
            {
                size_t i = get_global_id(0);
                float4 s = state[i];
                Particle p = { s.xy, s.zw };
                for (int k = 0; k < steps; k++) p = step(p, dt);
                state[i] = (float4)(p.pos, p.vel);
            }
            """, "simulate", [256], null, ["state=random:256:61", "dt=0.01", "steps=50"], 1e-4),
    ];
}
