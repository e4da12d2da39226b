using System.Runtime.InteropServices;
using LavaAccel.Execution;

namespace LavaAccel.Tests;

/// <summary><c>--arg NAME=VALUE</c>: binding, errors that name the argument, and buffer generators.</summary>
public sealed class ArgumentBindingTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private static readonly KernelSignature Kernel = new("k",
    [
        new KernelArgument("a", "float", AddressSpace.Private, ScalarType.Float, 1, false, false),
        new KernelArgument("x", "float*", AddressSpace.Global, ScalarType.Float, 1, true, true),
        new KernelArgument("y", "float*", AddressSpace.Global, ScalarType.Float, 1, false, true),
        new KernelArgument("scratch", "float*", AddressSpace.Local, ScalarType.Float, 1, false, true),
        new KernelArgument("small", "uchar", AddressSpace.Private, ScalarType.UChar, 1, false, false),
        new KernelArgument("v", "float4", AddressSpace.Private, ScalarType.Float, 4, false, false),
        new KernelArgument("counts", "int*", AddressSpace.Global, ScalarType.Int, 1, false, true),
        new KernelArgument("quads", "float4*", AddressSpace.Global, ScalarType.Float, 4, false, true),
    ]);

    private static readonly Dictionary<string, string> Valid = new(StringComparer.Ordinal)
    {
        ["a"] = "2.5",
        ["x"] = "ones:8",
        ["y"] = "zeros:8",
        ["scratch"] = "local:16",
        ["small"] = "7",
        ["v"] = "1,2,3,4",
        ["counts"] = "range:8",
        ["quads"] = "ones:2",
    };

    private IReadOnlyList<BoundArgument> Bind(params (string Name, string Value)[] overrides)
    {
        var values = new Dictionary<string, string>(Valid, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            values[name] = value;
        }
        return ArgumentBinder.Bind(Kernel, values.Select(kv => $"{kv.Key}={kv.Value}").ToArray(), workspace.Root);
    }

    private BoundArgument BindOne(string name, string value) => Bind((name, value)).Single(b => b.Parameter.Name == name);

    private LavaException BindFails(string name, string value) => Assert.Throws<LavaException>(() => Bind((name, value)));

    private static T[] Values<T>(BoundArgument argument) where T : struct => MemoryMarshal.Cast<byte, T>(argument.Bytes).ToArray();

    private static KernelSignature OneBuffer(ScalarType type, string typeName, int width = 1) =>
        new("g", [new KernelArgument("b", typeName, AddressSpace.Global, type, width, false, true)]);

    private BoundArgument Generate(KernelSignature kernel, string spec) => ArgumentBinder.Bind(kernel, [$"b={spec}"], workspace.Root).Single();

    [Fact]
    public void Valid_arguments_bind_in_parameter_order()
    {
        var bound = Bind();
        Assert.Equal(Kernel.Arguments.Select(a => a.Name), bound.Select(b => b.Parameter.Name));
        Assert.Equal([2.5f], Values<float>(bound[0]));
        Assert.Equal(16, bound[3].LocalElements);
        Assert.Empty(bound[3].Bytes);
        Assert.Equal([(byte)7], bound[4].Bytes);
    }

    [Fact]
    public void Missing_arguments_are_all_listed()
    {
        var error = Assert.Throws<LavaException>(() => ArgumentBinder.Bind(Kernel, ["a=1", "small=2", "v=0"], workspace.Root));
        Assert.Contains("takes 8 arguments", error.Message);
        foreach (var name in new[] { "x", "y", "scratch", "counts", "quads" })
        {
            Assert.Contains($"--arg {name}=", error.Message);
        }
        Assert.DoesNotContain("--arg a=", error.Message);
    }

    [Fact]
    public void Unknown_argument_name_is_named_with_the_signature()
    {
        var error = Assert.Throws<LavaException>(() => ArgumentBinder.Bind(Kernel, [.. Valid.Select(kv => $"{kv.Key}={kv.Value}"), "z=1"], workspace.Root));
        Assert.Contains("no argument 'z'", error.Message);
        Assert.Contains("k(float a", error.Message);
    }

    [Fact]
    public void Argument_given_twice_is_refused()
    {
        var error = Assert.Throws<LavaException>(() => ArgumentBinder.Bind(Kernel, [.. Valid.Select(kv => $"{kv.Key}={kv.Value}"), "a=3"], workspace.Root));
        Assert.Contains("'a'", error.Message);
        Assert.Contains("twice", error.Message);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("=2")]
    public void Text_that_is_not_NAME_equals_VALUE_is_refused(string text)
    {
        var error = Assert.Throws<LavaException>(() => ArgumentBinder.Bind(Kernel, [text], workspace.Root));
        Assert.Contains("NAME=VALUE", error.Message);
    }

    [Theory]
    [InlineData("random:16")]
    [InlineData("@x.npy")]
    [InlineData("local:4")]
    public void Scalar_given_a_buffer_spec_is_refused(string value)
    {
        var error = BindFails("a", value);
        Assert.Contains("argument 'a'", error.Message);
        Assert.Contains("is a scalar", error.Message);
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("local:16")]
    [InlineData("sequence:8")]
    public void Buffer_given_a_scalar_or_local_spec_is_refused(string value)
    {
        var error = BindFails("y", value);
        Assert.Contains("argument 'y'", error.Message);
        Assert.Contains("is a buffer", error.Message);
    }

    [Theory]
    [InlineData("zeros:16")]
    [InlineData("16")]
    [InlineData("local:0")]
    [InlineData("local:many")]
    public void Local_pointer_needs_local_count(string value)
    {
        var error = BindFails("scratch", value);
        Assert.Contains("argument 'scratch'", error.Message);
        Assert.Contains("local:COUNT", error.Message);
    }

    [Fact]
    public void Npy_file_with_the_wrong_dtype_is_refused()
    {
        var file = workspace.SaveNpy(new[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var error = BindFails("x", "@" + file);
        Assert.Contains("argument 'x'", error.Message);
        Assert.Contains("float", error.Message);
        Assert.Contains("<i4", error.Message);
    }

    [Fact]
    public void Npy_file_of_the_right_dtype_is_bound_as_is()
    {
        var values = new[] { 1.5f, -2f, 3.25f };
        var file = workspace.SaveNpy(values);
        Assert.Equal(values, Values<float>(BindOne("x", "@" + file)));
        // Relative paths resolve against the base directory.
        Assert.Equal(values, Values<float>(BindOne("x", "@" + Path.GetFileName(file))));
    }

    [Fact]
    public void Npy_file_that_does_not_exist_is_named()
    {
        var error = BindFails("x", "@nowhere.npy");
        Assert.Contains("nowhere.npy", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Theory]
    [InlineData("small", "300", "uchar")]
    [InlineData("small", "-1", "uchar")]
    [InlineData("small", "2.5", "uchar")]
    [InlineData("a", "two", "float")]
    public void Out_of_range_or_malformed_literal_is_refused(string name, string value, string typeName)
    {
        var error = BindFails(name, value);
        Assert.Contains($"'{value}' is not a valid {typeName}", error.Message);
        Assert.Contains($"argument '{name}'", error.Message);
    }

    [Theory]
    [InlineData(ScalarType.Char, "char", "-128", new byte[] { 0x80 })]
    [InlineData(ScalarType.UChar, "uchar", "255", new byte[] { 0xff })]
    [InlineData(ScalarType.Short, "short", "-2", new byte[] { 0xfe, 0xff })]
    [InlineData(ScalarType.Int, "int", "-2147483648", new byte[] { 0, 0, 0, 0x80 })]
    [InlineData(ScalarType.UInt, "uint", "4294967295", new byte[] { 0xff, 0xff, 0xff, 0xff })]
    [InlineData(ScalarType.Long, "long", "-1", new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })]
    [InlineData(ScalarType.ULong, "ulong", "18446744073709551615", new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })]
    public void Integer_literals_at_the_limits_of_their_type_are_encoded_little_endian(ScalarType type, string typeName, string value, byte[] expected)
    {
        var kernel = new KernelSignature("s", [new KernelArgument("n", typeName, AddressSpace.Private, type, 1, false, false)]);
        Assert.Equal(expected, ArgumentBinder.Bind(kernel, [$"n={value}"], workspace.Root).Single().Bytes);
    }

    [Theory]
    [InlineData(ScalarType.Char, "char", "128")]
    [InlineData(ScalarType.Short, "short", "32768")]
    [InlineData(ScalarType.Int, "int", "2147483648")]
    [InlineData(ScalarType.UInt, "uint", "-1")]
    [InlineData(ScalarType.ULong, "ulong", "-1")]
    public void Integer_literal_one_past_the_limit_is_refused(ScalarType type, string typeName, string value)
    {
        var kernel = new KernelSignature("s", [new KernelArgument("n", typeName, AddressSpace.Private, type, 1, false, false)]);
        var error = Assert.Throws<LavaException>(() => ArgumentBinder.Bind(kernel, [$"n={value}"], workspace.Root));
        Assert.Contains($"not a valid {typeName}", error.Message);
    }

    [Fact]
    public void Vector_literal_sets_every_lane()
    {
        var v = BindOne("v", "1,2,3,4");
        Assert.Equal(16, v.Bytes.Length);
        Assert.Equal([1f, 2f, 3f, 4f], Values<float>(v));
        Assert.Equal([1.5f, -2f, 0.25f, 8f], Values<float>(BindOne("v", "1.5, -2, 0.25, 8")));
    }

    [Fact]
    public void Single_value_for_a_vector_is_broadcast()
    {
        Assert.Equal([7f, 7f, 7f, 7f], Values<float>(BindOne("v", "7")));
    }

    [Fact]
    public void Vector_literal_with_the_wrong_lane_count_is_refused()
    {
        var error = BindFails("v", "1,2");
        Assert.Contains("argument 'v'", error.Message);
        Assert.Contains("takes 4 values, got 2", error.Message);
    }

    [Fact]
    public void Zeros_ones_and_range_produce_the_documented_values()
    {
        var floats = OneBuffer(ScalarType.Float, "float*");
        var ints = OneBuffer(ScalarType.Int, "int*");
        Assert.Equal(new float[5], Values<float>(Generate(floats, "zeros:5")));
        Assert.Equal([1f, 1f, 1f, 1f, 1f], Values<float>(Generate(floats, "ones:5")));
        Assert.Equal([0f, 1f, 2f, 3f, 4f], Values<float>(Generate(floats, "range:5")));
        Assert.Equal([0, 1, 2, 3, 4, 5], Values<int>(Generate(ints, "range:6")));
        Assert.Equal([1, 1, 1], Values<int>(Generate(ints, "ones:3")));
        Assert.Equal([0.0, 1.0, 2.0], Values<double>(Generate(OneBuffer(ScalarType.Double, "double*"), "range:3")));
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, Generate(OneBuffer(ScalarType.UChar, "uchar*"), "range:4").Bytes);
    }

    [Fact]
    public void Count_is_in_elements_of_the_pointee_type()
    {
        var quads = BindOne("quads", "ones:3");
        Assert.Equal(3 * 4 * sizeof(float), quads.Bytes.Length);
        Assert.Equal(3, quads.BufferElements);
        Assert.All(Values<float>(quads), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Random_values_lie_in_the_documented_ranges()
    {
        var floats = Values<float>(Generate(OneBuffer(ScalarType.Float, "float*"), "random:4096"));
        Assert.All(floats, f => Assert.True(f is >= 0f and < 1f, $"random float {f} is outside [0,1)"));
        Assert.True(floats.Max() > 0.99f && floats.Min() < 0.01f, "random floats do not cover [0,1)");
        Assert.True(floats.Distinct().Count() > 4000, "random floats repeat");

        var ints = Values<int>(Generate(OneBuffer(ScalarType.Int, "int*"), "random:4096"));
        Assert.All(ints, i => Assert.InRange(i, 0, 99));
        Assert.Equal(100, ints.Distinct().Count());
    }

    [Theory]
    [InlineData(20844)]
    [InlineData(24817)]
    public void Random_floats_are_strictly_below_one(int seed)
    {
        // Documented as [0,1). These seeds draw a double within 2^-25 of 1, which rounds to 1.0f.
        var floats = Values<float>(Generate(OneBuffer(ScalarType.Float, "float*"), $"random:1000:{seed}"));
        Assert.All(floats, f => Assert.True(f is >= 0f and < 1f, $"random float {f} is outside [0,1)"));
    }

    [Fact]
    public void Random_halves_are_strictly_below_one()
    {
        // half has 11 significant bits: about one double in 4096 rounds up to 1.0.
        var halves = Values<Half>(Generate(OneBuffer(ScalarType.Half, "half*"), "random:10000"));
        Assert.All(halves, h => Assert.True(h >= Half.Zero && h < Half.One, $"random half {h} is outside [0,1)"));
    }

    [Fact]
    public void Random_is_deterministic_per_seed()
    {
        var floats = OneBuffer(ScalarType.Float, "float*");
        Assert.Equal(Generate(floats, "random:256:7").Bytes, Generate(floats, "random:256:7").Bytes);
        Assert.NotEqual(Generate(floats, "random:256:7").Bytes, Generate(floats, "random:256:8").Bytes);
        Assert.Equal(Generate(floats, "random:256").Bytes, Generate(floats, "random:256").Bytes);
        // A longer buffer of the same seed starts with the same values.
        Assert.Equal(Generate(floats, "random:64:7").Bytes, Generate(floats, "random:256:7").Bytes[..256]);
    }

    [Theory]
    [InlineData("zeros:0", "not a positive element count")]
    [InlineData("ones:-3", "not a positive element count")]
    [InlineData("range:lots", "not a positive element count")]
    [InlineData("random:8:seven", "seed 'seven'")]
    [InlineData("zeros:8:1", "is a buffer")]
    [InlineData("zeros", "is a buffer")]
    public void Malformed_generator_is_refused(string spec, string expected)
    {
        var error = BindFails("y", spec);
        Assert.Contains("argument 'y'", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
