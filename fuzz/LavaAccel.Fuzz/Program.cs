// lava-fuzz: fuzz targets for AFL++ through SharpFuzz (tools/fuzz.sh runs them), and a replay of
// files through the same targets without AFL.
//
// usage: lava-fuzz TARGET              (under afl-fuzz: reads each input from stdin, fork-server style)
//        lava-fuzz TARGET FILE|DIR…    (replays files; exit 1 and the exception on a finding)
using LavaAccel.Fuzz;

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: lava-fuzz {string.Join('|', FuzzTargets.All.Keys)} [FILE|DIR…]");
    return 2;
}
if (args.Length == 1)
{
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}
foreach (var file in args.Skip(1).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]))
{
    try
    {
        target(File.ReadAllBytes(file));
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"{file}: {e}");
        return 1;
    }
}
return 0;
