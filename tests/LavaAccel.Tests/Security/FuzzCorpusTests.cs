using LavaAccel.Fuzz;

namespace LavaAccel.Tests.Security;

/// <summary>
/// The fuzzers' seed corpus and every input that once broke a target (fuzz/crashers, kept by
/// tools/fuzz.sh) go through the same targets on every test run: each is refused cleanly or accepted.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        var root = Path.GetDirectoryName(LavaCli.RepoFile("fuzz/LavaAccel.Fuzz/LavaAccel.Fuzz.csproj"))!;
        foreach (var set in new[] { "corpus", "crashers" })
        {
            var directory = Path.Combine(root, "..", set);
            foreach (var target in FuzzTargets.All.Keys)
            {
                var inputs = Path.Combine(directory, target);
                foreach (var file in Directory.Exists(inputs) ? Directory.GetFiles(inputs) : [])
                {
                    data.Add(target, Path.GetRelativePath(root, file));
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Each_input_is_refused_cleanly_or_accepted(string target, string input)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(LavaCli.RepoFile("fuzz/LavaAccel.Fuzz/LavaAccel.Fuzz.csproj"))!, input));
        FuzzTargets.All[target](bytes); // throws anything but a LavaException on a finding
    }

    [Fact]
    public void Every_target_has_seeds()
    {
        Assert.All(FuzzTargets.All.Keys, target => Assert.Contains(Inputs(), row => (string)row[0] == target));
    }
}
