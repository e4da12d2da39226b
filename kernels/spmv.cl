// Sparse matrix-vector product y = A*x, A in CSR form (scalar kernel: one row per work-item).
// Args: rows, rowPtr (rows+1 offsets), cols, vals (nonzeros), x (input vector), y (rows outputs).
// Launch: 1D, global size >= rows.

__kernel void spmv_csr(int rows,
                       __global const int* rowPtr,
                       __global const int* cols,
                       __global const float* vals,
                       __global const float* x,
                       __global float* y)
{
    int row = get_global_id(0);
    if (row >= rows)
        return;

    float sum = 0.0f;
    for (int j = rowPtr[row]; j < rowPtr[row + 1]; ++j)
        sum += vals[j] * x[cols[j]];
    y[row] = sum;
}
