using System.Security.Claims;
using LavaAccel.Service.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>Sign-in: a token for a session cookie (HttpOnly, SameSite=Strict, tied to the token's hash); sign-out.</summary>
public sealed class LoginModel(UserStore users) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect(Safe(ReturnUrl, User.IsInRole(WebDashboard.AdminPolicy))) : Page();

    public async Task<IActionResult> OnPostAsync([FromForm] string? token)
    {
        var account = string.IsNullOrWhiteSpace(token) ? null : users.Authenticate(token.Trim());
        if (account is null)
        {
            Error = "That token is not valid (it may have been rotated or its user removed).";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, account.Name),
            new(WebDashboard.TokenClaim, UserStore.TokenHash(token!.Trim())),
        };
        if (account.Admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, WebDashboard.AdminPolicy));
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role)));
        return LocalRedirect(Safe(ReturnUrl, account.Admin));
    }

    public async Task<IActionResult> OnPostLogoutAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect("/login");
    }

    // Where to go after signing in: the page asked for, else admins' cluster or users' jobs.
    private string Safe(string? url, bool admin) => url is { Length: > 1 } && Url.IsLocalUrl(url) ? url : admin ? "/" : "/jobs";
}
