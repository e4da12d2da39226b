using System.Text.Json.Nodes;

namespace LavaAccel.Ilgpu;

/// <summary>
/// One launch for <c>lava-ilgpu-worker</c>, as a JSON file in the job's directory. Buffers are files
/// next to it (<c>argN.bin</c>); the worker writes the written ones back in place.
/// </summary>
/// <param name="Assembly">Path of the kernels' assembly.</param>
/// <param name="Kernel">Kernel name.</param>
/// <param name="Device">Accelerator.</param>
/// <param name="Global">Global size.</param>
/// <param name="Local">Local size, if any.</param>
/// <param name="Repeat">Launches (each from the original buffers).</param>
/// <param name="Arguments">Arguments in manifest order; buffer bytes are left empty here and live in files.</param>
public sealed record IlgpuJob(string Assembly, string Kernel, IlgpuDevice Device, long[] Global, long[]? Local, int Repeat, IReadOnlyList<DeviceArgument> Arguments)
{
    /// <summary>The file a buffer argument's bytes live in.</summary>
    public static string BufferFile(string directory, int index) => Path.Combine(directory, $"arg{index}.bin");

    /// <summary>Writes the job (and its buffer files) into <paramref name="directory"/>; returns the job file.</summary>
    public string Write(string directory)
    {
        var arguments = new JsonArray();
        for (var i = 0; i < Arguments.Count; i++)
        {
            var a = Arguments[i];
            if (a.Kind == DeviceArgumentKind.Buffer)
            {
                File.WriteAllBytes(BufferFile(directory, i), a.Bytes);
            }
            arguments.Add(new JsonObject
            {
                ["name"] = a.Name,
                ["kind"] = a.Kind.ToString(),
                ["scalar"] = a.Kind == DeviceArgumentKind.Scalar ? Convert.ToHexStringLower(a.Bytes) : null,
                ["writable"] = a.Writable,
                ["local_bytes"] = a.LocalBytes,
                ["element_bytes"] = a.ElementBytes,
            });
        }
        var job = new JsonObject
        {
            ["assembly"] = Assembly,
            ["kernel"] = Kernel,
            ["device"] = Device.ToString(),
            ["global"] = new JsonArray([.. Global.Select(g => (JsonNode)g)]),
            ["local"] = Local is null ? null : new JsonArray([.. Local.Select(l => (JsonNode)l)]),
            ["repeat"] = Repeat,
            ["arguments"] = arguments,
        };
        var path = Path.Combine(directory, "job.json");
        File.WriteAllText(path, job.ToJsonString());
        return path;
    }

    /// <summary>Reads a job file and its buffer files.</summary>
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
                DeviceArgumentKind.Buffer => File.ReadAllBytes(BufferFile(directory, i)),
                DeviceArgumentKind.Scalar => Convert.FromHexString(a["scalar"]!.GetValue<string>()),
                _ => [],
            };
            arguments.Add(new DeviceArgument(a["name"]!.GetValue<string>(), kind, bytes, a["writable"]!.GetValue<bool>(), a["local_bytes"]!.GetValue<long>(), a["element_bytes"]?.GetValue<int>() ?? 0));
        }
        return new IlgpuJob(
            job["assembly"]!.GetValue<string>(), job["kernel"]!.GetValue<string>(),
            Enum.Parse<IlgpuDevice>(job["device"]!.GetValue<string>()),
            [.. job["global"]!.AsArray().Select(n => n!.GetValue<long>())],
            job["local"] is JsonArray local ? [.. local.Select(n => n!.GetValue<long>())] : null,
            job["repeat"]!.GetValue<int>(), arguments);
    }
}
