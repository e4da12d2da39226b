using LavaAccel.Api.V1;
using LavaAccel.Bench.Results;
using LavaAccel.Tests.Service;
using Microsoft.Playwright;

namespace LavaAccel.Tests.Web;

/// <summary>
/// The web dashboard in a real browser (Debian's chromium, driven by Playwright): an admin and a
/// user sign in, a job appears and finishes without a reload, its output downloads, a running job
/// is cancelled, a node is drained and resumed, a rotated token ends its session, a user is kept
/// out of admin pages; every page is photographed (artifacts/screenshots) and none logs an error.
/// </summary>
public sealed class DashboardBrowserTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    // Generous: the suite runs test classes side by side on two cores (behaviour is asserted, not speed).
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly string _screenshots = Path.Combine(Path.GetDirectoryName(LavaCli.RepoFile("README.md"))!, "artifacts", "screenshots");
    private readonly List<string> _errors = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: tools/bootstrap.sh installs Debian's chromium");
        Directory.CreateDirectory(_screenshots);
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        // Root in a container: chromium's own sandbox needs user namespaces it may not get.
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    [Fact]
    public async Task An_admin_and_a_user_run_the_cluster_from_the_browser()
    {
        WriteBenchmarkReport();
        var admin = await SignInAsync(service.AdminToken, "admin");
        await Expect(admin.Locator("h1")).ToHaveTextAsync("Cluster");
        await Expect(admin.Locator("#nodes tbody")).ToContainTextAsync("local (embedded)");
        await Expect(admin.Locator("#nodes tbody")).ToContainTextAsync("online");
        await Expect(admin.Locator("#devices tbody tr").First).ToContainTextAsync("cpu");
        await Shot(admin, "cluster");
        // Keyboard: the first Tab reaches the skip link.
        await admin.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await admin.EvaluateAsync<string>("document.activeElement.textContent"));

        // The admin adds a user on the admin page; the token is shown once.
        var name = $"dora-{Guid.NewGuid():N}"[..12];
        await admin.GotoAsync($"{service.WebAddress}/admin");
        await admin.Locator("form.add-user input[name=name]").FillAsync(name);
        await admin.Locator("form.add-user input[name=maxJobs]").FillAsync("3");
        await admin.Locator("form.add-user button").ClickAsync();
        var token = (await admin.Locator("#new-token").TextContentAsync())!.Trim();
        Assert.StartsWith("lava_", token, StringComparison.Ordinal);
        await Expect(admin.Locator($"#users tr[data-user='{name}']")).ToBeVisibleAsync();

        // The user signs in, watches the jobs page, and a job submitted over gRPC appears and finishes there without a reload.
        var user = await SignInAsync(token, "user");
        await user.GotoAsync($"{service.WebAddress}/jobs");
        using var client = service.Anonymous(token);
        var package = await client.UploadSourceAsync(service.DataDirectory, "saxpy.cl", ServiceTests.Saxpy);
        var job = await client.Jobs.SubmitJobAsync(ServiceTests.SaxpyJob(package, 256), client.Call());
        var row = user.Locator("#jobs tbody tr", new() { HasText = job.Id });
        await Expect(row).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        await Expect(row).ToContainTextAsync("succeeded", new() { Timeout = (float)Patience.TotalMilliseconds });
        Assert.EndsWith("/jobs", user.Url, StringComparison.Ordinal);
        await Shot(user, "jobs");

        // Its page: placement, usage, and the output to download.
        await row.Locator("a").ClickAsync();
        await Expect(user.Locator("h1")).ToContainTextAsync(job.Id);
        await Expect(user.Locator("#placement-title")).ToBeVisibleAsync();
        var download = await user.RunAndWaitForDownloadAsync(() => user.Locator("a[download]", new() { HasText = "y.npy" }).ClickAsync());
        var saved = Path.Combine(service.DataDirectory, "downloaded-y.npy");
        await download.SaveAsAsync(saved);
        var bytes = await File.ReadAllBytesAsync(saved);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'], bytes[..6]);
        await Shot(user, "job");

        // A running job is cancelled from its page; the state changes in place.
        var spin = await client.UploadSourceAsync(service.DataDirectory, "spin.cl", ServiceTests.Spin);
        var spinning = await client.Jobs.SubmitJobAsync(ServiceTests.Single(spin, "spin", "x"), client.Call());
        await user.GotoAsync($"{service.WebAddress}/jobs/{spinning.Id}");
        await Expect(user.Locator("[data-field=state]")).ToHaveTextAsync("running", new() { Timeout = (float)Patience.TotalMilliseconds });
        await user.Locator("button", new() { HasText = "Cancel job" }).ClickAsync();
        await Expect(user.Locator("[data-field=state]")).ToHaveTextAsync("cancelled", new() { Timeout = (float)Patience.TotalMilliseconds });

        // Users see only their own jobs and no admin page.
        await user.GotoAsync($"{service.WebAddress}/jobs");
        var owners = await user.Locator("#jobs tbody tr td:nth-child(3)").AllTextContentsAsync();
        Assert.NotEmpty(owners);
        Assert.All(owners, owner => Assert.Equal(name, owner));
        foreach (var adminOnly in new[] { "admin", "cache", "benchmarks", "benchmarks/sample", "benchmarks/sample/time.png", "events/cluster" })
        {
            var denied = await user.APIRequest.GetAsync($"{service.WebAddress}/{adminOnly}", new() { MaxRedirects = 0 });
            Assert.True(denied.Status is 302 or 403, $"{adminOnly}: {denied.Status}");
            Assert.True(denied.Status == 403 || denied.Headers["location"].Contains("/denied", StringComparison.Ordinal), $"{adminOnly} sent the user to {denied.Headers["location"]}");
        }
        var refused = await user.GotoAsync($"{service.WebAddress}/admin");
        Assert.Equal(403, refused!.Status);
        await Expect(user.Locator("h1")).ToHaveTextAsync("Not allowed");
        Assert.Equal(0, await user.Locator("nav a[href='/admin'], nav a[href='/cache'], nav a[href='/']").CountAsync());
        await user.GotoAsync(service.WebAddress + "/");
        Assert.EndsWith("/jobs", user.Url, StringComparison.Ordinal); // the cluster page is the admins' start page

        // The other pages, as the admin (who sees everyone).
        foreach (var page in new[] { "usage", "cache", "benchmarks", "benchmarks/sample" })
        {
            await admin.GotoAsync($"{service.WebAddress}/{page}");
            await Shot(admin, page.Replace('/', '-'));
        }
        await admin.GotoAsync($"{service.WebAddress}/usage");
        await Expect(admin.Locator("#usage tbody")).ToContainTextAsync(name);
        await Expect(admin.Locator("#usage-by-user")).ToBeVisibleAsync();
        await Expect(admin.Locator("#usage-by-device")).ToBeVisibleAsync();
        await admin.GotoAsync($"{service.WebAddress}/benchmarks/sample");
        await Expect(admin.Locator("img.chart")).ToHaveCountAsync(2); // time and roofline

        // Drain the embedded node: the cluster page shows it without a reload; then resume.
        var cluster = await admin.Context.NewPageAsync();
        Watch(cluster);
        await cluster.GotoAsync(service.WebAddress + "/");
        await admin.GotoAsync($"{service.WebAddress}/admin");
        await admin.Locator("#admin-nodes tr[data-node=local] button", new() { HasText = "Drain" }).ClickAsync();
        await Expect(admin.Locator("#admin-nodes tr[data-node=local]")).ToContainTextAsync("drained");
        await Expect(cluster.Locator("#nodes tbody")).ToContainTextAsync("drained", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Shot(admin, "admin");
        await admin.Locator("#admin-nodes tr[data-node=local] button", new() { HasText = "Resume" }).ClickAsync();
        await Expect(cluster.Locator("#nodes tbody")).ToContainTextAsync("online", new() { Timeout = (float)Patience.TotalMilliseconds });

        // A phone-width view of the jobs page.
        var phone = await _browser!.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        Watch(phone);
        await SignInOnAsync(phone, service.AdminToken);
        await phone.GotoAsync($"{service.WebAddress}/jobs?user={name}");
        await Shot(phone, "jobs-phone");
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways at phone width");
        // The one expected: chromium logs the 403 of the page that refuses a user the admin page.
        _errors.RemoveAll(e => e.Contains("/denied", StringComparison.Ordinal) && e.Contains("status of 403", StringComparison.Ordinal));
        Assert.True(_errors.Count == 0, string.Join("\n", _errors));

        // Rotating the user's token ends their session at the next request.
        await admin.GotoAsync($"{service.WebAddress}/admin");
        await admin.Locator($"#users tr[data-user='{name}'] button", new() { HasText = "Rotate token" }).ClickAsync();
        await Expect(admin.Locator("#new-token")).ToBeVisibleAsync();
        await user.GotoAsync($"{service.WebAddress}/jobs");
        Assert.Contains("/login", user.Url, StringComparison.Ordinal);
        await Expect(user.Locator("h1")).ToHaveTextAsync("Sign in");
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_forms_without_the_antiforgery_token_are_rejected()
    {
        var page = await NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        await page.GotoAsync(service.WebAddress + "/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.Locator("#token").FillAsync("lava_not-a-real-token");
        await page.Locator("button[type=submit]").ClickAsync();
        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("not valid");
        await Shot(page, "login");
        // A cross-site form post (no antiforgery token) does nothing.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var forged = await http.PostAsync(service.WebAddress + "/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = service.AdminToken }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        var signedIn = await SignInAsync(service.AdminToken, "cookie");
        var cookie = (await signedIn.Context.CookiesAsync()).Single(c => c.Name == "lava_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        _errors.RemoveAll(e => e.Contains("status of 401", StringComparison.Ordinal)); // the refused sign-in answers 401 by design
        Assert.True(_errors.Count == 0, string.Join("\n", _errors));
    }

    private async Task<IPage> SignInAsync(string token, string who)
    {
        var page = await NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        await SignInOnAsync(page, token);
        Assert.False(page.Url.Contains("/login", StringComparison.Ordinal), $"{who} could not sign in");
        return page;
    }

    private async Task SignInOnAsync(IPage page, string token)
    {
        await page.GotoAsync(service.WebAddress + "/login");
        await page.Locator("#token").FillAsync(token);
        await page.Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal), new() { Timeout = (float)Patience.TotalMilliseconds });
    }

    private async Task<IPage> NewPageAsync(BrowserNewContextOptions options)
    {
        var context = await _browser!.NewContextAsync(options);
        var page = await context.NewPageAsync();
        Watch(page);
        return page;
    }

    private void Watch(IPage page)
    {
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Add($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Add($"{page.Url}: {error}");
    }

    private Task Shot(IPage page, string name) => page.ScreenshotAsync(new() { Path = Path.Combine(_screenshots, name + ".png"), FullPage = true });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    // A lava bench report as the benchmarks page finds it (written the way lava bench writes one).
    private void WriteBenchmarkReport()
    {
        var run = new BenchRun(BenchReportTests.Machine("vm"), [BenchReportTests.Record("cpu/x86_64/x86-64-v4", 18.1), BenchReportTests.Record("opencl/spir", 67.5, peer: "pocl")]);
        LavaAccel.Bench.Report.ReportWriter.Write(Path.Combine(service.BenchmarksDirectory, "sample"), BenchResults.Of(run));
    }
}
