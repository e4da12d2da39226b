using LavaAccel.Api.V1;

namespace LavaAccel.Service.Api;

/// <summary>
/// Requests written against older versions of lava.v1, upgraded where they enter (submit) and
/// where stored ones come back (claim): <c>global</c> (field 3, a keyword in Python) became
/// <c>global_size</c> (field 12); a request that sets only the old field still works.
/// </summary>
public static class RequestMigration
{
    /// <summary>Moves the deprecated fields of <paramref name="request"/> to their successors.</summary>
    public static SubmitJobRequest Upgrade(SubmitJobRequest request)
    {
#pragma warning disable CS0612 // the deprecated field is read here, and only here
        if (request.GlobalSize.Count == 0 && request.Global.Count > 0)
        {
            request.GlobalSize.AddRange(request.Global);
        }
        request.Global.Clear();
#pragma warning restore CS0612
        return request;
    }
}
