using System.Text;
using LavaAccel.Execution;

namespace LavaAccel.Tests;

/// <summary>NumPy <c>.npy</c> files: round trips, and damaged or unsupported files named in errors.</summary>
public sealed class NpyArrayTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private string PathFor(string name) => Path.Combine(workspace.Root, $"{Guid.NewGuid():N}-{name}");

    private NpyArray RoundTrip(NpyArray array)
    {
        var path = PathFor("a.npy");
        array.Save(path);
        return NpyArray.Load(path);
    }

    // A version 1.0 file with a hand-written header (padded like NumPy pads it).
    private string WriteRaw(string header, byte[] data, byte major = 1)
    {
        var lengthBytes = major == 1 ? 2 : 4;
        var total = Magic.Length + 2 + lengthBytes + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        var bytes = new List<byte>(Magic) { major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(data);
        return workspace.WriteFile("raw.npy", [.. bytes]);
    }

    [Fact]
    public void Float_array_round_trips()
    {
        float[] values = [0f, -1.5f, 3.25f, float.MaxValue, float.Epsilon, float.NegativeInfinity];
        var loaded = RoundTrip(NpyArray.FromArray(values));
        Assert.Equal(ScalarType.Float, loaded.Type);
        Assert.Equal([values.Length], loaded.Shape);
        Assert.Equal(values, (float[])loaded.ToArray());
    }

    [Fact]
    public void Int_array_round_trips()
    {
        int[] values = [int.MinValue, -1, 0, 1, int.MaxValue];
        var loaded = RoundTrip(NpyArray.FromArray(values));
        Assert.Equal(ScalarType.Int, loaded.Type);
        Assert.Equal(values, (int[])loaded.ToArray());
    }

    [Fact]
    public void Uint_array_round_trips_as_uint_not_int()
    {
        uint[] values = [0u, 1u, uint.MaxValue, 0x8000_0000u];
        var array = NpyArray.FromArray(values);
        Assert.Equal(ScalarType.UInt, array.Type);
        var loaded = RoundTrip(array);
        Assert.Equal(ScalarType.UInt, loaded.Type);
        Assert.Equal(values, (uint[])loaded.ToArray());
    }

    [Fact]
    public void Double_array_round_trips()
    {
        double[] values = [Math.PI, -0.0, 1e300, double.NaN];
        var loaded = RoundTrip(NpyArray.FromArray(values));
        Assert.Equal(ScalarType.Double, loaded.Type);
        Assert.Equal(values, (double[])loaded.ToArray());
    }

    [Fact]
    public void Two_dimensional_shape_round_trips()
    {
        var data = NpyArray.FromArray(Enumerable.Range(0, 6).Select(i => i * 0.5f).ToArray()).Data;
        var loaded = RoundTrip(new NpyArray(ScalarType.Float, [2, 3], data));
        Assert.Equal([2L, 3L], loaded.Shape);
        Assert.Equal(6, loaded.Count);
        Assert.Equal(data, loaded.Data);
    }

    [Fact]
    public void Saved_file_is_npy_1_0_with_64_byte_aligned_data()
    {
        var path = PathFor("aligned.npy");
        NpyArray.FromArray(new short[] { 1, 2, 3 }).Save(path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(Magic, bytes[..6]);
        Assert.Equal(1, bytes[6]);
        Assert.Equal(0, bytes[7]);
        var headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', bytes[10 + headerLength - 1]);
        var header = Encoding.Latin1.GetString(bytes, 10, headerLength);
        Assert.Contains("'descr': '<i2'", header);
        Assert.Contains("'fortran_order': False", header);
        Assert.Contains("'shape': (3,)", header);
        Assert.Equal(10 + headerLength + 6, bytes.Length);
    }

    [Fact]
    public void Version_2_file_is_read()
    {
        var path = WriteRaw("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", NpyArray.FromArray(new[] { 1.25, -4.0 }).Data, major: 2);
        Assert.Equal([1.25, -4.0], (double[])NpyArray.Load(path).ToArray());
    }

    [Fact]
    public void Truncated_data_is_reported()
    {
        var path = PathFor("short.npy");
        NpyArray.FromArray(Enumerable.Range(0, 100).Select(i => (float)i).ToArray()).Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var error = Assert.Throws<LavaException>(() => NpyArray.Load(path));
        Assert.Contains("short.npy", error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("400 bytes", error.Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        var path = PathFor("cut.npy");
        NpyArray.FromArray(new[] { 1f, 2f }).Save(path);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);
        var error = Assert.Throws<LavaException>(() => NpyArray.Load(path));
        Assert.Contains("cut.npy", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Truncated_version_2_preamble_is_reported_as_a_LavaException()
    {
        // Magic, version 2.0 and only two of the four header-length bytes.
        var path = workspace.WriteFile("v2cut.npy", [.. Magic, 2, 0, 0x40, 0]);
        var error = Assert.Throws<LavaException>(() => NpyArray.Load(path));
        Assert.Contains("v2cut.npy", error.Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("tiny")]
    [InlineData("lava")]
    public void File_that_is_not_npy_is_named(string kind)
    {
        byte[] bytes = kind switch
        {
            "text" => Encoding.UTF8.GetBytes("1.0, 2.0, 3.0\n4.0, 5.0, 6.0\n"),
            "tiny" => [0x93, (byte)'N'],
            _ => new byte[1024],
        };
        var path = workspace.WriteFile("data.npy", bytes);
        var error = Assert.Throws<LavaException>(() => NpyArray.Load(path));
        Assert.Contains("data.npy", error.Message);
        Assert.Contains("not a NumPy .npy file", error.Message);
    }

    [Fact]
    public void Fortran_order_matrix_is_refused()
    {
        var data = NpyArray.FromArray(new float[6]).Data;
        var path = WriteRaw("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data);
        var error = Assert.Throws<LavaException>(() => NpyArray.Load(path));
        Assert.Contains("Fortran order", error.Message);
    }

    [Fact]
    public void Fortran_order_vector_is_the_same_as_C_order_and_is_read()
    {
        var path = WriteRaw("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", NpyArray.FromArray(new[] { 1f, 2f, 3f }).Data);
        Assert.Equal([1f, 2f, 3f], (float[])NpyArray.Load(path).ToArray());
    }

    [Theory]
    [InlineData(">f4")]
    [InlineData("<c8")]
    [InlineData("|b1")]
    public void Unsupported_element_type_is_refused(string descr)
    {
        var path = WriteRaw($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2,), }}", new byte[16]);
        var error = Assert.Throws<LavaException>(() => NpyArray.Load(path));
        Assert.Contains("element type", error.Message);
        Assert.Contains(descr, error.Message);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var error = Assert.Throws<LavaException>(() => NpyArray.Load(Path.Combine(workspace.Root, "gone.npy")));
        Assert.Contains("gone.npy", error.Message);
        Assert.Contains("does not exist", error.Message);
    }
}
