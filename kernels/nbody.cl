// One explicit-Euler step of an all-pairs gravitational N-body simulation (G = 1, softening eps2).
// Args: n, dt, eps2, pos (xyz, w = mass), vel, newPos, newVel (float4 each, n bodies).
// Launch: 1D, global size >= n.

__kernel void nbody_step(int n, float dt, float eps2,
                         __global const float4* pos,
                         __global const float4* vel,
                         __global float4* newPos,
                         __global float4* newVel)
{
    int i = get_global_id(0);
    if (i >= n)
        return;

    float4 p = pos[i];
    float4 acc = (float4)(0.0f);
    for (int j = 0; j < n; ++j) {
        float4 q = pos[j];
        float4 d = (float4)(q.xyz - p.xyz, 0.0f);
        // Softening keeps the i == j term (d = 0) finite and contributing nothing.
        float invDist = rsqrt(dot(d, d) + eps2);
        acc += (q.w * invDist * invDist * invDist) * d;
    }

    float4 v = vel[i];
    v.xyz += acc.xyz * dt;
    p.xyz += v.xyz * dt;
    newPos[i] = p;
    newVel[i] = v;
}
