using System.Text.Json;
using Json.Schema;

namespace LavaAccel.Devices;

/// <summary>The checked-in profiles of real hardware (<c>device-profiles/*.json</c>), validated against their JSON Schema.</summary>
public static class ProfileCatalog
{
    /// <summary>The repository's device-profiles directory (<c>LAVA_PROFILES_DIR</c> overrides).</summary>
    public static string DefaultDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("LAVA_PROFILES_DIR");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "device-profiles");
                if (File.Exists(Path.Combine(candidate, "schema", "device-profile.schema.json")))
                {
                    return candidate;
                }
            }
            throw new LavaException("device-profiles/ not found (set LAVA_PROFILES_DIR)");
        }
    }

    // JsonSchema.Net registers schemas by $id in a registry: ours is private, built once per path.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> Schemas = new(StringComparer.Ordinal);

    /// <summary>Loads and validates every profile; errors name the file and the failing field.</summary>
    public static IReadOnlyList<DeviceProfile> Load(string? directory = null, string? schemaPath = null)
    {
        directory ??= DefaultDirectory;
        var schema = Schemas.GetOrAdd(Path.GetFullPath(schemaPath ?? Path.Combine(DefaultDirectory, "schema", "device-profile.schema.json")),
            path => JsonSchema.FromText(File.ReadAllText(path), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));
        var profiles = new List<DeviceProfile>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            profiles.Add(LoadOne(file, schema));
        }
        return profiles;
    }

    private static DeviceProfile LoadOne(string file, JsonSchema schema)
    {
        var name = Path.GetFileName(file);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new LavaException($"device profile {name} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var problem = (result.Details ?? []).Prepend(result).FirstOrDefault(d => !d.IsValid && d.Errors is { Count: > 0 });
                var where = problem?.InstanceLocation.ToString() is { Length: > 0 } location ? location : "/";
                var message = problem?.Errors?.Values.FirstOrDefault() ?? "does not match the schema";
                throw new LavaException($"device profile {name}: {where}: {message}");
            }
            return ToProfile(document, name, file);
        }
    }

    private static DeviceProfile ToProfile(JsonDocument document, string name, string file)
    {
        var node = document.RootElement;
        var profile = node.Deserialize(DeviceJsonContext.Default.DeviceProfile)
                      ?? throw new LavaException($"device profile {name} is empty");
        if (profile.Id != Path.GetFileNameWithoutExtension(file))
        {
            throw new LavaException($"device profile {name}: /id is '{profile.Id}', but must equal the file name");
        }
        return profile;
    }
}
