// SGEMM in C# for ILGPU: C = A·B with row-major A (M×K), B (K×N), C (M×N); one element of C per index.
// The OpenCL C twin is sgemm_naive in kernels/sgemm.cl; index.X is the column, index.Y the row.
// Launch: 2-D global size (N, M).

public static class Sgemm
{
    public static void sgemm_naive(Index2D index, int M, int N, int K, ArrayView<float> A, ArrayView<float> B, ArrayView<float> C)
    {
        int col = index.X;
        int row = index.Y;
        if (col >= N || row >= M)
            return;

        float acc = 0.0f;
        for (int k = 0; k < K; ++k)
            acc += A[row * K + k] * B[k * N + col];
        C[row * N + col] = acc;
    }
}
