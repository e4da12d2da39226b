// Single-precision GEMM, row-major: C[M][N] = A[M][K] * B[K][N].
// Args: M, N, K (matrix sizes), A, B (inputs), C (output).
// Launch: 2D range, dim0 = column n (N), dim1 = row m (M); sgemm_tiled needs local TILE x TILE.

#ifndef TILE
#define TILE 16
#endif

__kernel void sgemm_naive(int M, int N, int K,
                          __global const float* A,
                          __global const float* B,
                          __global float* C)
{
    int col = get_global_id(0);
    int row = get_global_id(1);
    if (col >= N || row >= M)
        return;

    float acc = 0.0f;
    for (int k = 0; k < K; ++k)
        acc += A[row * K + k] * B[k * N + col];
    C[row * N + col] = acc;
}

// Assumes M, N and K are multiples of TILE, so no bounds checks are needed
// (and every work-item reaches every barrier).
__kernel void sgemm_tiled(int M, int N, int K,
                          __global const float* A,
                          __global const float* B,
                          __global float* C)
{
    __local float As[TILE][TILE];
    __local float Bs[TILE][TILE];

    int tx = get_local_id(0);
    int ty = get_local_id(1);
    int col = get_global_id(0);
    int row = get_global_id(1);
    (void)M; // the range already spans exactly M rows

    float acc = 0.0f;
    for (int t = 0; t < K; t += TILE) {
        As[ty][tx] = A[row * K + t + tx];
        Bs[ty][tx] = B[(t + ty) * N + col];
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int k = 0; k < TILE; ++k)
            acc += As[ty][k] * Bs[k][tx];
        // The next iteration overwrites the tiles other work-items are still reading.
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    C[row * N + col] = acc;
}
