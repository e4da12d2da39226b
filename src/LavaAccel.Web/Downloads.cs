using System.Security.Claims;
using LavaAccel.Service.Storage;
using Microsoft.AspNetCore.Http;

namespace LavaAccel.Web;

/// <summary>A finished job's output buffer as a .npy download (the owner's or, for admins, anyone's).</summary>
internal static class Downloads
{
    public static IResult Output(string id, string name, ClaimsPrincipal user, JobStore jobs)
    {
        var (caller, admin) = WebDashboard.Caller(user);
        var job = jobs.Get(id, admin ? null : caller);
        if (job is null)
        {
            return Results.NotFound($"no job {id}");
        }
        var bufferName = name.EndsWith(".npy", StringComparison.Ordinal) ? name[..^4] : name;
        var output = jobs.Outputs(job.Id).FirstOrDefault(o => o.Name == bufferName);
        return output is null
            ? Results.NotFound($"job {id} has no output '{bufferName}'")
            : Results.File(output.Npy.ToByteArray(), "application/octet-stream", $"{job.Id}-{bufferName}.npy");
    }
}
