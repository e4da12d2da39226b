// Black-Scholes European option pricing: call[i], put[i] for spot S, strike K, expiry T (years),
// riskless rate r and volatility v. Args: S, K, T (inputs), r, v (scalars), call, put (outputs).
// Launch: 1D, one option per work-item.

// Cumulative normal distribution, Abramowitz & Stegun 26.2.17 (|error| < 7.5e-8).
static float cnd(float d)
{
    const float A1 = 0.31938153f;
    const float A2 = -0.356563782f;
    const float A3 = 1.781477937f;
    const float A4 = -1.821255978f;
    const float A5 = 1.330274429f;
    const float RSQRT2PI = 0.39894228040143267794f;

    float k = 1.0f / (1.0f + 0.2316419f * fabs(d));
    float c = RSQRT2PI * exp(-0.5f * d * d)
            * (k * (A1 + k * (A2 + k * (A3 + k * (A4 + k * A5)))));
    return d > 0.0f ? 1.0f - c : c;
}

__kernel void blackscholes(__global const float* S,
                           __global const float* K,
                           __global const float* T,
                           float r, float v,
                           __global float* call,
                           __global float* put)
{
    size_t i = get_global_id(0);
    float s = S[i];
    float k = K[i];
    float t = T[i];

    float vSqrtT = v * sqrt(t);
    float d1 = (log(s / k) + (r + 0.5f * v * v) * t) / vSqrtT;
    float d2 = d1 - vSqrtT;
    float cndD1 = cnd(d1);
    float cndD2 = cnd(d2);
    float discountedK = k * exp(-r * t);

    call[i] = s * cndD1 - discountedK * cndD2;
    put[i] = discountedK * (1.0f - cndD2) - s * (1.0f - cndD1);
}
