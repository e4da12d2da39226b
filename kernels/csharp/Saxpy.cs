// SAXPY (BLAS level 1) in C# for ILGPU: y = a*x + y, one element per index.
// The OpenCL C twin is kernels/saxpy.cl; same arguments, same reference.
// Launch: 1-D global size len(x).

public static class Saxpy
{
    public static void saxpy(Index1D i, float a, ArrayView<float> x, ArrayView<float> y)
    {
        y[i] = a * x[i] + y[i];
    }
}
