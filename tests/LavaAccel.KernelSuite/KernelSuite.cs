using System.Globalization;

namespace LavaAccel.KernelSuite;

/// <summary>
/// The kernel suite: every kernel under <c>kernels/</c> with inputs and a plain C# reference.
/// <see cref="All"/> holds sizes small enough to run under qemu in CI; <see cref="Benchmark"/> the same kernels at
/// sizes worth timing.
/// </summary>
/// <remarks>
/// References accumulate in <see cref="double"/> where that is closer to the truth, so float kernels are compared
/// with tolerances sized to the float rounding of each kernel; integer kernels must match exactly.
/// </remarks>
public static class KernelSuite
{
    private const int Seed = 20_240_917;
    private const double Exact = 0;

    // The default TILE of sgemm.cl and TDIM of transpose.cl: the local size those kernels are written for.
    private const int Tile = 16;

    /// <summary>Every case at CI size.</summary>
    public static IReadOnlyList<SuiteCase> All { get; } =
    [
        Saxpy(4096),
        // Non-square, so a runtime that swaps range dimensions fails.
        SgemmNaive(m: 32, n: 64, k: 48),
        SgemmTiled(m: 64, n: 64, k: 64),
        ReduceSum(4096, local: 64),
        ScanBlock(1024, local: 128),
        Histogram(10_000, nbins: 64, groupMultiple: 64),
        Stencil5(64, 48),
        Transpose(64, 32),
        NBody(256),
        BlackScholes(4096),
        Spmv(500, groupMultiple: 64),
    ];

    /// <summary>The C# (ILGPU) ports under <c>kernels/csharp/</c>, against the same references as their OpenCL C twins.</summary>
    public static IReadOnlyList<SuiteCase> CSharp { get; } = [.. CSharpPairs(benchmark: false).Select(p => p.CSharp)];

    /// <summary>Each C# port with its OpenCL C twin (same inputs, range and reference), at CI or benchmark size.</summary>
    public static IReadOnlyList<(SuiteCase CSharp, SuiteCase OpenCl)> CSharpPairs(bool benchmark)
    {
        SuiteCase[] twins = benchmark
            ? [Saxpy(1 << 20), SgemmNaive(m: 256, n: 256, k: 256), ReduceSum(1 << 16, local: 256)]
            : [Saxpy(4096), SgemmNaive(m: 32, n: 64, k: 48), ReduceSum(4096, local: 64)];
        string[] files = ["csharp/Saxpy.cs", "csharp/Sgemm.cs", "csharp/Reduction.cs"];
        return [.. twins.Zip(files, (twin, file) => (twin with { Name = "cs_" + twin.Name, File = file }, twin))];
    }

    private static readonly IReadOnlyList<SuiteCase> BenchmarkCases =
    [
        Saxpy(16 << 20),
        SgemmNaive(m: 512, n: 512, k: 512),
        SgemmTiled(m: 512, n: 512, k: 512),
        ReduceSum(16 << 20, local: 256),
        ScanBlock(1 << 20, local: 256),
        Histogram(16 << 20, nbins: 64, groupMultiple: 256),
        Stencil5(2048, 2048),
        Transpose(2048, 2048),
        NBody(4096),
        BlackScholes(4 << 20),
        Spmv(200_000, groupMultiple: 256),
    ];

    /// <summary>The same kernels as <see cref="All"/> at sizes for the benchmark against PoCL.</summary>
    public static IReadOnlyList<SuiteCase> Benchmark() => BenchmarkCases;

    /// <summary>The case named <paramref name="name"/>, from <see cref="All"/> or <see cref="Benchmark"/>.</summary>
    public static SuiteCase Get(string name) =>
        All.Concat(BenchmarkCases).Concat(CSharp).FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"No suite case named '{name}'.", nameof(name));

    // ---- saxpy ----

    private static SuiteCase Saxpy(int n) => new(
        $"saxpy_{n}", "saxpy.cl", "saxpy", Dims(n), null,
        () => SaxpyInputs(n), SaxpyReference,
        // The kernel may or may not fuse the multiply-add: one float ulp either way.
        AbsTolerance: 1e-6, RelTolerance: 1e-6);

    private static SuiteData SaxpyInputs(int n)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Scalars["a"] = Literal(2.5f);
        data.Buffers["x"] = RandomFloats(rng, n, -1, 1);
        data.Buffers["y"] = RandomFloats(rng, n, -1, 1);
        return data;
    }

    private static IReadOnlyDictionary<string, Array> SaxpyReference(SuiteData data)
    {
        double a = FloatScalar(data, "a");
        var x = Floats(data, "x");
        var y = Floats(data, "y");
        var result = new float[y.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = (float)(a * x[i] + y[i]);
        return Output("y", result);
    }

    // ---- sgemm ----

    private static SuiteCase SgemmNaive(int m, int n, int k) => new(
        $"sgemm_naive_{m}x{n}x{k}", "sgemm.cl", "sgemm_naive", Dims(n, m), null,
        () => SgemmInputs(m, n, k), SgemmReference,
        SgemmAbsTolerance(k), RelTolerance: 1e-3);

    private static SuiteCase SgemmTiled(int m, int n, int k) => new(
        $"sgemm_tiled_{m}x{n}x{k}", "sgemm.cl", "sgemm_tiled", Dims(n, m), Dims(Tile, Tile),
        () => SgemmInputs(m, n, k), SgemmReference,
        SgemmAbsTolerance(k), RelTolerance: 1e-3);

    // Float accumulation error grows with the dot-product length; the absolute part covers results near zero.
    private static double SgemmAbsTolerance(int k) => 2e-6 * k;

    private static SuiteData SgemmInputs(int m, int n, int k)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Scalars["M"] = Literal(m);
        data.Scalars["N"] = Literal(n);
        data.Scalars["K"] = Literal(k);
        data.Buffers["A"] = RandomFloats(rng, m * k, -1, 1);
        data.Buffers["B"] = RandomFloats(rng, k * n, -1, 1);
        data.Buffers["C"] = new float[m * n];
        return data;
    }

    private static IReadOnlyDictionary<string, Array> SgemmReference(SuiteData data)
    {
        int m = IntScalar(data, "M");
        int n = IntScalar(data, "N");
        int k = IntScalar(data, "K");
        var a = Floats(data, "A");
        var b = Floats(data, "B");
        var c = new float[m * n];
        var row = new double[n];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(row);
            // i-k-j order walks B row by row, which keeps the 512³ benchmark reference fast.
            for (int kk = 0; kk < k; kk++)
            {
                double aik = a[i * k + kk];
                for (int j = 0; j < n; j++)
                    row[j] += aik * b[kk * n + j];
            }
            for (int j = 0; j < n; j++)
                c[i * n + j] = (float)row[j];
        }
        return Output("C", c);
    }

    // ---- reduction ----

    private static SuiteCase ReduceSum(int n, int local) => new(
        $"reduce_sum_{n}_l{local}", "reduction.cl", "reduce_sum", Dims(n), Dims(local),
        () => ReduceSumInputs(n, local), ReduceSumReference,
        // Inputs are non-negative, so the tree's rounding error stays relative to the group sum.
        AbsTolerance: 1e-4, RelTolerance: 1e-5);

    private static SuiteData ReduceSumInputs(int n, int local)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Buffers["in"] = RandomFloats(rng, n, 0, 1);
        data.Buffers["partial"] = new float[n / local];
        data.Locals["scratch"] = local;
        return data;
    }

    private static IReadOnlyDictionary<string, Array> ReduceSumReference(SuiteData data)
    {
        var input = Floats(data, "in");
        int local = data.Locals["scratch"];
        var partial = new float[input.Length / local];
        for (int g = 0; g < partial.Length; g++)
        {
            double sum = 0;
            for (int i = g * local; i < (g + 1) * local; i++)
                sum += input[i];
            partial[g] = (float)sum;
        }
        return Output("partial", partial);
    }

    // ---- scan ----

    private static SuiteCase ScanBlock(int n, int local) => new(
        $"scan_block_{n}_l{local}", "scan.cl", "scan_block", Dims(n), Dims(local),
        () => ScanBlockInputs(n, local), ScanBlockReference,
        Exact, Exact);

    private static SuiteData ScanBlockInputs(int n, int local)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Buffers["in"] = RandomInts(rng, n, -100, 100);
        data.Buffers["out"] = new int[n];
        data.Locals["tmp"] = local;
        return data;
    }

    private static IReadOnlyDictionary<string, Array> ScanBlockReference(SuiteData data)
    {
        var input = Ints(data, "in");
        int local = data.Locals["tmp"];
        var output = new int[input.Length];
        for (int groupStart = 0; groupStart < input.Length; groupStart += local)
        {
            int sum = 0;
            for (int i = groupStart; i < groupStart + local; i++)
                output[i] = sum += input[i];
        }
        return Output("out", output);
    }

    // ---- histogram ----

    private static SuiteCase Histogram(int n, int nbins, int groupMultiple) => new(
        $"histogram_{n}_b{nbins}", "histogram.cl", "histogram", Dims(RoundUp(n, groupMultiple)), null,
        () => HistogramInputs(n, nbins), HistogramReference,
        Exact, Exact);

    private static SuiteData HistogramInputs(int n, int nbins)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Buffers["data"] = RandomUInts(rng, n, 1000);
        data.Scalars["n"] = Literal(n);
        data.Buffers["bins"] = new uint[nbins];
        data.Scalars["nbins"] = Literal(nbins);
        return data;
    }

    private static IReadOnlyDictionary<string, Array> HistogramReference(SuiteData data)
    {
        var values = UInts(data, "data");
        var bins = new uint[IntScalar(data, "nbins")];
        foreach (uint value in values)
            bins[value % (uint)bins.Length]++;
        return Output("bins", bins);
    }

    // ---- stencil ----

    private static SuiteCase Stencil5(int width, int height) => new(
        $"stencil5_{width}x{height}", "stencil2d.cl", "stencil5", Dims(width, height), null,
        () => Stencil5Inputs(width, height), Stencil5Reference,
        AbsTolerance: 1e-5, RelTolerance: 1e-5);

    private static SuiteData Stencil5Inputs(int width, int height)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Scalars["width"] = Literal(width);
        data.Scalars["height"] = Literal(height);
        data.Buffers["in"] = RandomFloats(rng, width * height, 0, 1);
        data.Buffers["out"] = new float[width * height];
        return data;
    }

    private static IReadOnlyDictionary<string, Array> Stencil5Reference(SuiteData data)
    {
        int width = IntScalar(data, "width");
        int height = IntScalar(data, "height");
        var input = Floats(data, "in");
        var output = new float[input.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                bool boundary = x == 0 || y == 0 || x == width - 1 || y == height - 1;
                output[i] = boundary
                    ? input[i]
                    : (float)(0.2 * ((double)input[i] + input[i - 1] + input[i + 1] + input[i - width] + input[i + width]));
            }
        }
        return Output("out", output);
    }

    // ---- transpose ----

    private static SuiteCase Transpose(int width, int height) => new(
        $"transpose_{width}x{height}", "transpose.cl", "transpose", Dims(width, height), Dims(Tile, Tile),
        () => TransposeInputs(width, height), TransposeReference,
        Exact, Exact);

    private static SuiteData TransposeInputs(int width, int height)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Scalars["width"] = Literal(width);
        data.Scalars["height"] = Literal(height);
        data.Buffers["in"] = RandomFloats(rng, width * height, -1, 1);
        data.Buffers["out"] = new float[width * height];
        return data;
    }

    private static IReadOnlyDictionary<string, Array> TransposeReference(SuiteData data)
    {
        int width = IntScalar(data, "width");
        int height = IntScalar(data, "height");
        var input = Floats(data, "in");
        var output = new float[input.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
                output[x * height + y] = input[y * width + x];
        }
        return Output("out", output);
    }

    // ---- nbody ----

    private static SuiteCase NBody(int n) => new(
        $"nbody_step_{n}", "nbody.cl", "nbody_step", Dims(n), null,
        () => NBodyInputs(n), NBodyReference,
        // Float force sums (and rsqrt's 2 ulp) drift with the body count; measured ~1e-6 abs at 256, ~6e-5 at 4096.
        AbsTolerance: 4e-7 * n, RelTolerance: 1e-3);

    private static SuiteData NBodyInputs(int n)
    {
        var rng = new Random(Seed);
        var pos = new float[4 * n];
        var vel = new float[4 * n];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                pos[4 * i + c] = RandomFloat(rng, -1, 1);
                vel[4 * i + c] = RandomFloat(rng, -0.1f, 0.1f);
            }
            pos[4 * i + 3] = RandomFloat(rng, 0.5f, 1.5f);
        }

        var data = new SuiteData();
        data.Scalars["n"] = Literal(n);
        data.Scalars["dt"] = Literal(0.01f);
        data.Scalars["eps2"] = Literal(0.01f);
        data.Buffers["pos"] = pos;
        data.Buffers["vel"] = vel;
        data.Buffers["newPos"] = new float[4 * n];
        data.Buffers["newVel"] = new float[4 * n];
        return data;
    }

    private static IReadOnlyDictionary<string, Array> NBodyReference(SuiteData data)
    {
        int n = IntScalar(data, "n");
        double dt = FloatScalar(data, "dt");
        double eps2 = FloatScalar(data, "eps2");
        var pos = Floats(data, "pos");
        var vel = Floats(data, "vel");
        var newPos = new float[4 * n];
        var newVel = new float[4 * n];
        Span<double> acc = stackalloc double[3];
        for (int i = 0; i < n; i++)
        {
            acc.Clear();
            for (int j = 0; j < n; j++)
            {
                double dx = (double)pos[4 * j] - pos[4 * i];
                double dy = (double)pos[4 * j + 1] - pos[4 * i + 1];
                double dz = (double)pos[4 * j + 2] - pos[4 * i + 2];
                double invDist = 1 / Math.Sqrt(dx * dx + dy * dy + dz * dz + eps2);
                double s = pos[4 * j + 3] * invDist * invDist * invDist;
                acc[0] += s * dx;
                acc[1] += s * dy;
                acc[2] += s * dz;
            }
            for (int c = 0; c < 3; c++)
            {
                double v = vel[4 * i + c] + acc[c] * dt;
                newVel[4 * i + c] = (float)v;
                newPos[4 * i + c] = (float)(pos[4 * i + c] + v * dt);
            }
            newVel[4 * i + 3] = vel[4 * i + 3];
            newPos[4 * i + 3] = pos[4 * i + 3];
        }
        return new Dictionary<string, Array> { ["newPos"] = newPos, ["newVel"] = newVel };
    }

    // ---- blackscholes ----

    private static SuiteCase BlackScholes(int n) => new(
        $"blackscholes_{n}", "blackscholes.cl", "blackscholes", Dims(n), null,
        () => BlackScholesInputs(n), BlackScholesReference,
        // Prices reach ~100 and exp/log may be a few ulp off; measured worst excess over 1e-3 rel is ~1e-6.
        AbsTolerance: 1e-4, RelTolerance: 1e-3);

    private static SuiteData BlackScholesInputs(int n)
    {
        var rng = new Random(Seed);
        var data = new SuiteData();
        data.Buffers["S"] = RandomFloats(rng, n, 5, 30);
        data.Buffers["K"] = RandomFloats(rng, n, 1, 100);
        data.Buffers["T"] = RandomFloats(rng, n, 0.25f, 10);
        data.Scalars["r"] = Literal(0.02f);
        data.Scalars["v"] = Literal(0.30f);
        data.Buffers["call"] = new float[n];
        data.Buffers["put"] = new float[n];
        return data;
    }

    private static IReadOnlyDictionary<string, Array> BlackScholesReference(SuiteData data)
    {
        // r and v go through float, as in the kernel, so only the arithmetic precision differs.
        double r = FloatScalar(data, "r");
        double v = FloatScalar(data, "v");
        var spot = Floats(data, "S");
        var strike = Floats(data, "K");
        var expiry = Floats(data, "T");
        var call = new float[spot.Length];
        var put = new float[spot.Length];
        for (int i = 0; i < spot.Length; i++)
        {
            double s = spot[i];
            double k = strike[i];
            double t = expiry[i];
            double vSqrtT = v * Math.Sqrt(t);
            double d1 = (Math.Log(s / k) + (r + 0.5 * v * v) * t) / vSqrtT;
            double d2 = d1 - vSqrtT;
            double cndD1 = CumulativeNormal(d1);
            double cndD2 = CumulativeNormal(d2);
            double discountedK = k * Math.Exp(-r * t);
            call[i] = (float)(s * cndD1 - discountedK * cndD2);
            put[i] = (float)(discountedK * (1 - cndD2) - s * (1 - cndD1));
        }
        return new Dictionary<string, Array> { ["call"] = call, ["put"] = put };
    }

    // The kernel's Abramowitz–Stegun 26.2.17 polynomial, not the exact CDF: its 7.5e-8 error is then not compared.
    private static double CumulativeNormal(double d)
    {
        const double A1 = 0.31938153;
        const double A2 = -0.356563782;
        const double A3 = 1.781477937;
        const double A4 = -1.821255978;
        const double A5 = 1.330274429;
        const double RSqrt2Pi = 0.39894228040143267794;

        double k = 1 / (1 + 0.2316419 * Math.Abs(d));
        double c = RSqrt2Pi * Math.Exp(-0.5 * d * d) * (k * (A1 + k * (A2 + k * (A3 + k * (A4 + k * A5)))));
        return d > 0 ? 1 - c : c;
    }

    // ---- spmv ----

    private static SuiteCase Spmv(int rows, int groupMultiple) => new(
        $"spmv_csr_{rows}", "spmv.cl", "spmv_csr", Dims(RoundUp(rows, groupMultiple)), null,
        () => SpmvInputs(rows), SpmvReference,
        // At most 16 products per row, each below 1 in magnitude.
        AbsTolerance: 1e-4, RelTolerance: 1e-4);

    private static SuiteData SpmvInputs(int rows)
    {
        const int MaxNonzerosPerRow = 16;
        var rng = new Random(Seed);
        var rowPtr = new int[rows + 1];
        var cols = new List<int>();
        for (int row = 0; row < rows; row++)
        {
            int count = rng.Next(MaxNonzerosPerRow + 1);
            // Sorted, distinct column indices, as a CSR matrix from a real assembler would have.
            var rowCols = new SortedSet<int>();
            while (rowCols.Count < count)
                rowCols.Add(rng.Next(rows));
            cols.AddRange(rowCols);
            rowPtr[row + 1] = cols.Count;
        }

        var data = new SuiteData();
        data.Scalars["rows"] = Literal(rows);
        data.Buffers["rowPtr"] = rowPtr;
        data.Buffers["cols"] = cols.ToArray();
        data.Buffers["vals"] = RandomFloats(rng, cols.Count, -1, 1);
        data.Buffers["x"] = RandomFloats(rng, rows, -1, 1);
        data.Buffers["y"] = new float[rows];
        return data;
    }

    private static IReadOnlyDictionary<string, Array> SpmvReference(SuiteData data)
    {
        int rows = IntScalar(data, "rows");
        var rowPtr = Ints(data, "rowPtr");
        var cols = Ints(data, "cols");
        var vals = Floats(data, "vals");
        var x = Floats(data, "x");
        var y = new float[rows];
        for (int row = 0; row < rows; row++)
        {
            double sum = 0;
            for (int j = rowPtr[row]; j < rowPtr[row + 1]; j++)
                sum += (double)vals[j] * x[cols[j]];
            y[row] = (float)sum;
        }
        return Output("y", y);
    }

    // ---- helpers ----

    private static long[] Dims(long x) => [x];

    private static long[] Dims(long x, long y) => [x, y];

    private static long RoundUp(long n, long multiple) => (n + multiple - 1) / multiple * multiple;

    private static float RandomFloat(Random rng, float lo, float hi) => (float)(lo + (hi - lo) * rng.NextDouble());

    private static float[] RandomFloats(Random rng, int count, float lo, float hi)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = RandomFloat(rng, lo, hi);
        return values;
    }

    private static int[] RandomInts(Random rng, int count, int lo, int hiExclusive)
    {
        var values = new int[count];
        for (int i = 0; i < count; i++)
            values[i] = rng.Next(lo, hiExclusive);
        return values;
    }

    private static uint[] RandomUInts(Random rng, int count, int hiExclusive)
    {
        var values = new uint[count];
        for (int i = 0; i < count; i++)
            values[i] = (uint)rng.Next(hiExclusive);
        return values;
    }

    private static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);

    // "R" round-trips, so the kernel receives exactly the float the reference reads back.
    private static string Literal(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static int IntScalar(SuiteData data, string name) => int.Parse(data.Scalars[name], CultureInfo.InvariantCulture);

    private static float FloatScalar(SuiteData data, string name) => float.Parse(data.Scalars[name], CultureInfo.InvariantCulture);

    private static float[] Floats(SuiteData data, string name) => (float[])data.Buffers[name];

    private static int[] Ints(SuiteData data, string name) => (int[])data.Buffers[name];

    private static uint[] UInts(SuiteData data, string name) => (uint[])data.Buffers[name];

    private static Dictionary<string, Array> Output(string name, Array contents) => new() { [name] = contents };
}
