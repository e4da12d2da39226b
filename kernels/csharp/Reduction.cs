// Work-group sum reduction in C# for ILGPU: partial[g] = sum of in[] over the items of group g.
// An explicitly grouped kernel: its dynamic shared memory appears in the package as the __local
// argument "scratch" (one float per work-item), like the OpenCL C twin in kernels/reduction.cl.
// Launch: 1-D; the local size must be a power of two.

public static class Reduction
{
    public static void reduce_sum(ArrayView<float> @in, ArrayView<float> partial)
    {
        var scratch = SharedMemory.GetDynamic<float>();
        int lid = Group.IdxX;
        scratch[lid] = @in[Grid.GlobalIndex.X];
        Group.Barrier();

        for (int stride = Group.DimX / 2; stride > 0; stride >>= 1)
        {
            if (lid < stride)
                scratch[lid] += scratch[lid + stride];
            Group.Barrier();
        }

        if (lid == 0)
            partial[Grid.IdxX] = scratch[0];
    }
}
