using System.Security.Claims;
using LavaAccel.Host;
using LavaAccel.Service;
using LavaAccel.Service.Storage;
using LavaAccel.Web.Live;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Web;

/// <summary>
/// The web dashboard of <c>lava serve</c>: sign-in with a token (exchanged for an HttpOnly,
/// SameSite=Strict session cookie that stays tied to the token: a rotated or removed token ends the
/// session at its next request), Razor Pages for cluster, jobs, usage, cache, benchmarks and admin,
/// antiforgery tokens on every form, and server-sent events for live tables.
/// </summary>
public sealed class WebDashboard : IServiceExtension
{
    /// <summary>The claim that ties a session to its token (the token's sha256; never the token).</summary>
    public const string TokenClaim = "lava:token-sha256";

    /// <summary>Policy of admin-only pages.</summary>
    public const string AdminPolicy = "admin";

    public void Configure(WebApplicationBuilder builder, ServiceOptions options)
    {
        var services = builder.Services;
        services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AllowAnonymousToPage("/Login");
            // A user sees their own jobs and usage; the cluster, the cache, benchmarks and
            // administration are for admins.
            pages.Conventions.AuthorizeFolder("/Admin", AdminPolicy);
            pages.Conventions.AuthorizePage("/Index", AdminPolicy);
            pages.Conventions.AuthorizePage("/Cache", AdminPolicy);
            pages.Conventions.AuthorizeFolder("/Benchmarks", AdminPolicy);
        }).AddApplicationPart(typeof(WebDashboard).Assembly);
        // Session cookies are encrypted with keys kept next to the database (owner-only, like it), so
        // sessions survive a restart; they are not encrypted at rest (no key vault here), hence no warning.
        var keys = Path.Combine(options.DataDirectory, "web-keys");
        Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys)).SetApplicationName("lava-dashboard");
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "lava_session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/login";
            cookie.AccessDeniedPath = "/denied";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                // A user opening the admins' start page lands on their jobs instead.
                context.Response.Redirect(context.Request.Path == "/" ? "/jobs" : context.RedirectUri);
                return Task.CompletedTask;
            };
            cookie.Events.OnValidatePrincipal = context =>
            {
                // Every request: the token behind the session must still belong to the same user.
                var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
                var hash = context.Principal?.FindFirstValue(TokenClaim);
                var account = hash is null ? null : users.ByTokenHash(hash);
                if (account is null || account.Name != context.Principal!.Identity?.Name || account.Admin != context.Principal.IsInRole(AdminPolicy))
                {
                    context.RejectPrincipal();
                }
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole(AdminPolicy));
        services.AddSingleton(new BenchmarkReports(options.BenchmarksDirectory ?? Path.Combine(LavaHome.Path, "benchmarks")));
        services.AddSingleton<LiveFeeds>();
    }

    public void Map(WebApplication app, ServiceOptions options, int port)
    {
        app.UseWhen(context => context.Connection.LocalPort == port, web =>
        {
            web.Use(async (context, next) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                await next(context).ConfigureAwait(false);
            });
            web.UseAuthentication();
            web.UseAuthorization();
        });
        var host = $"*:{port}";
        app.MapRazorPages().RequireHost(host);
        app.MapGet("/assets/{name}", (string name) => Assets.Serve(name)).RequireHost(host).AllowAnonymous();
        app.MapGet("/events/{feed}", (string feed, HttpContext context, LiveFeeds feeds) => feeds.StreamAsync(feed, context)).RequireHost(host).RequireAuthorization();
        app.MapGet("/events/cluster", (HttpContext context, LiveFeeds feeds) => feeds.StreamAsync("cluster", context)).RequireHost(host).RequireAuthorization(AdminPolicy);
        app.MapGet("/jobs/{id}/outputs/{name}", (string id, string name, HttpContext context, JobStore jobs) => Downloads.Output(id, name, context.User, jobs)).RequireHost(host).RequireAuthorization();
        app.MapGet("/benchmarks/{report}/{file}", (string report, string file, BenchmarkReports reports) => reports.Serve(report, file)).RequireHost(host).RequireAuthorization(AdminPolicy);
    }

    /// <summary>The signed-in user's name and whether they are an admin.</summary>
    public static (string Name, bool Admin) Caller(ClaimsPrincipal user) => (user.Identity?.Name ?? "", user.IsInRole(AdminPolicy));
}
