using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using LavaAccel.Backends;

namespace LavaAccel.Tests;

/// <summary>Checks the checked-in device profiles in <c>device-profiles/</c> against their JSON Schema.</summary>
public sealed partial class DeviceProfileTests
{
    private static readonly Lazy<string> ProfilesDir = new(FindProfilesDir);

    // One schema instance for the whole run: JsonSchema.Net registers schemas by $id.
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(ProfilesDir.Value, "schema", "device-profile.schema.json"))));

    [GeneratedRegex("^[a-z0-9]+/[a-z0-9_]+(/[A-Za-z0-9._-]+)?$")]
    private static partial Regex TargetPattern();

    public static TheoryData<string> ProfileFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in ProfilePaths())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ProfileFiles))]
    public void Profile_validates_against_the_schema(string fileName)
    {
        var errors = Validate(File.ReadAllText(Path.Combine(ProfilesDir.Value, fileName)));
        Assert.True(errors.Count == 0, $"{fileName} does not match device-profile.schema.json:\n  " + string.Join("\n  ", errors));
    }

    [Theory]
    [MemberData(nameof(ProfileFiles))]
    public void Profile_id_equals_its_file_name(string fileName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProfilesDir.Value, fileName)));
        var id = doc.RootElement.TryGetProperty("id", out var p) ? p.GetString() : null;
        Assert.True(id == Path.GetFileNameWithoutExtension(fileName), $"{fileName}: id is '{id}', expected '{Path.GetFileNameWithoutExtension(fileName)}'");
    }

    [Fact]
    public void There_are_at_least_twelve_profiles_covering_cpu_gpu_and_fpga()
    {
        var profiles = LoadAll();
        Assert.True(profiles.Count >= 12, $"only {profiles.Count} profiles in {ProfilesDir.Value}");
        var kinds = profiles.Select(p => p.Json["kind"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(["cpu", "fpga", "gpu"], kinds.Order(StringComparer.Ordinal));
        foreach (var kind in new[] { "cpu", "gpu", "fpga" })
        {
            Assert.Contains(profiles, p => p.Json["kind"]!.GetValue<string>() == kind);
        }
    }

    [Fact]
    public void Cpu_targets_are_ones_the_backends_implement_and_others_follow_the_pattern()
    {
        var known = BackendRegistry.AllTargets.Select(t => t.ToString()).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (file, json) in LoadAll())
        {
            foreach (var target in json["targets"]!.AsArray().Select(t => t!.GetValue<string>()))
            {
                if (!TargetPattern().IsMatch(target))
                {
                    problems.Add($"{file}: '{target}' is not backend/arch/model or backend/form");
                }
                else if ((target.StartsWith("cpu/", StringComparison.Ordinal) || target.StartsWith("opencl/", StringComparison.Ordinal)) && !known.Contains(target))
                {
                    problems.Add($"{file}: '{target}' is not a target BackendRegistry.AllTargets lists ({string.Join(", ", known)})");
                }
            }
            if (json["kind"]!.GetValue<string>() == "cpu" && !json["targets"]!.AsArray().Any(t => t!.GetValue<string>().StartsWith("cpu/", StringComparison.Ordinal)))
            {
                problems.Add($"{file}: a CPU profile without a cpu/ target");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void A_broken_profile_fails_and_the_errors_name_the_fields()
    {
        var good = JsonNode.Parse(File.ReadAllText(Path.Combine(ProfilesDir.Value, "amd-epyc-9654.json")))!.AsObject();
        good.Remove("memory");
        good["peak_gflops"]!["fp64"] = -1.0;
        good["frobnicate"] = true;

        var dir = Directory.CreateTempSubdirectory("lava-profile-");
        try
        {
            var path = Path.Combine(dir.FullName, "amd-epyc-9654.json");
            File.WriteAllText(path, good.ToJsonString());
            var errors = Validate(File.ReadAllText(path));
            var text = string.Join("\n", errors);

            Assert.NotEmpty(errors);
            Assert.Contains(errors, e => e.Contains("memory", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.StartsWith("/peak_gflops/fp64", StringComparison.Ordinal) && e.Contains("minimum", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.StartsWith("/frobnicate", StringComparison.Ordinal) || e.Contains("frobnicate", StringComparison.Ordinal));
            Assert.DoesNotContain("/clock_ghz", text, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_fpga_profile_may_leave_compute_units_null_only_with_notes()
    {
        var fpga = JsonNode.Parse(File.ReadAllText(Path.Combine(ProfilesDir.Value, "amd-alveo-u280.json")))!.AsObject();
        Assert.Empty(Validate(fpga.ToJsonString()));
        fpga.Remove("notes");
        Assert.Contains(Validate(fpga.ToJsonString()), e => e.Contains("notes", StringComparison.Ordinal));

        var cpu = JsonNode.Parse(File.ReadAllText(Path.Combine(ProfilesDir.Value, "amd-epyc-9654.json")))!.AsObject();
        cpu["compute_units"] = null;
        Assert.Contains(Validate(cpu.ToJsonString()), e => e.StartsWith("/compute_units", StringComparison.Ordinal));
    }

    /// <summary>Validates one profile; each error is "instance location (schema path): keyword: message"; unknown fields read "not allowed".</summary>
    private static List<string> Validate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var results = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = new List<string>();
        if (results.IsValid)
        {
            return errors;
        }
        foreach (var detail in (results.Details ?? []).Prepend(results))
        {
            // A failing "if" only selects a branch; it is not an error of the profile.
            if (detail.IsValid || detail.Errors is null || detail.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var (keyword, message) in detail.Errors)
            {
                var location = detail.InstanceLocation.ToString();
                var schemaPath = detail.EvaluationPath.ToString();
                errors.Add($"{(location.Length == 0 ? "/" : location)} (schema #{schemaPath}): {(keyword.Length == 0 ? "not allowed" : keyword)}: {message}");
            }
        }
        if (errors.Count == 0)
        {
            errors.Add("/: invalid (no detailed errors reported)");
        }
        return errors;
    }

    private static List<(string File, JsonObject Json)> LoadAll() =>
        ProfilePaths().Select(f => (Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!.AsObject())).ToList();

    private static IEnumerable<string> ProfilePaths() =>
        Directory.GetFiles(ProfilesDir.Value, "*.json").Order(StringComparer.Ordinal);

    private static string FindProfilesDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "device-profiles");
            if (File.Exists(Path.Combine(candidate, "schema", "device-profile.schema.json")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("device-profiles/ not found above " + AppContext.BaseDirectory);
    }
}
