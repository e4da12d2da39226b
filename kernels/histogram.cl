// Histogram with global atomics: bins[data[i] % nbins] += 1 for every i < n.
// Args: data (n values), n (value count), bins (nbins counters, zeroed by the host), nbins.
// Launch: 1D, global size >= n (may be rounded up to a multiple of the local size).

__kernel void histogram(__global const uint* data, uint n,
                        __global uint* bins, uint nbins)
{
    size_t i = get_global_id(0);
    if (i < n)
        atomic_inc(&bins[data[i] % nbins]);
}
