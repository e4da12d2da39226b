using System.Text.Json.Serialization;

namespace LavaAccel;

/// <summary>Source-generated JSON (de)serialisation of manifests: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Manifest))]
public sealed partial class ManifestJsonContext : JsonSerializerContext;
