using System.Text.Json.Nodes;

namespace LavaAccel.Ilgpu;

/// <summary>
/// One launch for <c>lava-ilgpu-worker</c>, as <c>job.json</c> in the job's directory. Buffers are
/// files next to it (<c>argN.bin</c>), written by lava; the worker writes the written ones back in
/// place. The kernels' assembly is the variant the worker is handed.
/// </summary>
/// <param name="Kernel">Kernel name.</param>
/// <param name="Device">Accelerator.</param>
/// <param name="Global">Global size.</param>
/// <param name="Local">Local size, if any.</param>
/// <param name="Repeat">Timed launches (each from the original buffers).</param>
/// <param name="Warmup">Untimed launches before the timed ones.</param>
/// <param name="Arguments">Arguments in manifest order; buffer bytes live in files (empty when writing the job).</param>
public sealed record IlgpuJob(string Kernel, IlgpuDevice Device, long[] Global, long[]? Local, int Repeat, IReadOnlyList<DeviceArgument> Arguments, int Warmup = 0)
{
    /// <summary>The job file's name.</summary>
    public const string FileName = "job.json";

    /// <summary>The file a buffer argument's bytes live in.</summary>
    public static string BufferFile(string directory, int index) => Path.Combine(directory, $"arg{index}.bin");

    /// <summary>Writes the job file into <paramref name="directory"/> (the buffers are already there); returns its path.</summary>
    public string Write(string directory)
    {
        var arguments = new JsonArray();
        foreach (var a in Arguments)
        {
            arguments.Add(new JsonObject
            {
                ["name"] = a.Name,
                ["kind"] = a.Kind.ToString(),
                ["scalar"] = a.Kind == DeviceArgumentKind.Scalar ? Convert.ToHexStringLower(a.Bytes) : null,
                ["writable"] = a.Writable,
                ["bytes"] = a.Kind == DeviceArgumentKind.Buffer ? a.Bytes.Length : 0,
                ["local_bytes"] = a.LocalBytes,
                ["element_bytes"] = a.ElementBytes,
            });
        }
        var job = new JsonObject
        {
            ["kernel"] = Kernel,
            ["device"] = Device.ToString(),
            ["global"] = new JsonArray([.. Global.Select(g => (JsonNode)g)]),
            ["local"] = Local is null ? null : new JsonArray([.. Local.Select(l => (JsonNode)l)]),
            ["repeat"] = Repeat,
            ["warmup"] = Warmup,
            ["arguments"] = arguments,
        };
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path, job.ToJsonString());
        return path;
    }

    /// <summary>Reads a job file and its buffer files (exactly their declared sizes).</summary>
    public static IlgpuJob Read(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var job = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var arguments = new List<DeviceArgument>();
        var list = job["arguments"]!.AsArray();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i]!.AsObject();
            var kind = Enum.Parse<DeviceArgumentKind>(a["kind"]!.GetValue<string>());
            var bytes = kind switch
            {
                DeviceArgumentKind.Buffer => ReadExactly(BufferFile(directory, i), a["bytes"]!.GetValue<int>()),
                DeviceArgumentKind.Scalar => Convert.FromHexString(a["scalar"]!.GetValue<string>()),
                _ => [],
            };
            arguments.Add(new DeviceArgument(a["name"]!.GetValue<string>(), kind, bytes, a["writable"]!.GetValue<bool>(), a["local_bytes"]!.GetValue<long>(), a["element_bytes"]?.GetValue<int>() ?? 0));
        }
        return new IlgpuJob(
            job["kernel"]!.GetValue<string>(),
            Enum.Parse<IlgpuDevice>(job["device"]!.GetValue<string>()),
            [.. job["global"]!.AsArray().Select(n => n!.GetValue<long>())],
            job["local"] is JsonArray local ? [.. local.Select(n => n!.GetValue<long>())] : null,
            job["repeat"]!.GetValue<int>(), arguments, Math.Clamp(job["warmup"]?.GetValue<int>() ?? 0, 0, 100_000));
    }

    private static byte[] ReadExactly(string path, int length)
    {
        var bytes = new byte[length];
        using var file = File.OpenRead(path);
        file.ReadExactly(bytes);
        return bytes;
    }
}
