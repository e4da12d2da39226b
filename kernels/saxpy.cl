// SAXPY (BLAS level 1): y = a*x + y, one element per work-item.
// Args: a (float scale), x (input vector), y (input/output vector).
// Launch: 1D range of len(x) work-items.

__kernel void saxpy(float a, __global const float* x, __global float* y)
{
    size_t i = get_global_id(0);
    y[i] = a * x[i] + y[i];
}
