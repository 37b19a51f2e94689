using System.Net;
using System.Text.Json;
using PuppeteerSharp;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven through the DevTools protocol by PuppeteerSharp; one per test class
/// (a class fixture: starting it is the slow part), each test in its own incognito context. No browser is
/// downloaded: /usr/bin/chromium is used, and without it the tests skip (or fail under CI).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    // The flags this machine needs (its network is closed: no background connections, no component updates).
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private readonly TempFolder _profile = new();
    private IBrowser? _browser;

    /// <summary>The browser; the calling test is skipped (or fails under CI) when Chromium is not installed.</summary>
    public IBrowser Browser => _browser ?? throw InstalledTools.SkipOrFail(MissingReason);

    private static string MissingReason => "chromium is not installed (apt-get install chromium) — Swagger UI was not tried in a browser";

    public async ValueTask InitializeAsync()
    {
        if (InstalledTools.FindOnPath("chromium") is { } chromium)
        {
            _browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = Args,
                UserDataDir = _profile.Root,
                Timeout = 60_000,
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            _browser.Dispose();
        }

        _profile.Dispose();
    }
}

/// <summary>
/// One test's service on a real loopback port (Kestrel, not the in-memory test server: a browser needs a socket)
/// and a page in a fresh incognito context of the shared browser. Waits are for elements to appear, bounded by
/// the page's timeout, never sleeps.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly IBrowserContext _context;

    private BrowserSession(TempFolder folder, PowerViewApplication app, IBrowserContext context, IPage page)
    {
        _folder = folder;
        App = app;
        _context = context;
        Page = page;
        Http = app.CreateClient();
        BaseUrl = Http.BaseAddress!;
    }

    public PowerViewApplication App { get; }

    public IPage Page { get; }

    /// <summary>A plain client of the same server, for what the test compares the page with.</summary>
    public HttpClient Http { get; }

    public Uri BaseUrl { get; }

    public static async Task<BrowserSession> StartAsync(Chromium chromium)
    {
        var browser = chromium.Browser;
        var folder = new TempFolder();
        var app = new PowerViewApplication(folder, RunsApi.NoSweep);
        app.UseKestrel(0);
        app.StartServer();
        var context = await browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        // A loaded machine renders slowly; every wait is still bounded.
        page.DefaultTimeout = 30_000;
        return new BrowserSession(folder, app, context, page);
    }
    /// <summary>Opens Swagger UI from the site root (which redirects there) and waits for the operations.</summary>
    public async Task OpenAsync()
    {
        await Page.GoToAsync(BaseUrl.ToString(), WaitUntilNavigation.Load);
        await Page.WaitForSelectorAsync(".opblock-summary-path");
    }

    /// <summary>"Authorize", the key typed into the scheme's field, its "Authorize", "Close", as an operator does.</summary>
    public Task AuthorizeAsync(string key) => AuthorizeAsync("Bearer", key);

    /// <summary>The same for one scheme of the dialog (by its name); a Basic scheme gets <paramref name="user"/> and the key as password.</summary>
    public async Task AuthorizeAsync(string scheme, string key, string? user = null)
    {
        await Page.ClickAsync(".auth-wrapper button.authorize");
        await Page.WaitForSelectorAsync(".modal-ux .auth-container");
        var containers = await Page.QuerySelectorAllAsync(".modal-ux .auth-container");
        IElementHandle? container = null;
        foreach (var candidate in containers)
        {
            if ((await candidate.EvaluateFunctionAsync<string>("c => c.querySelector('h4 code')?.textContent?.trim() ?? ''")) == scheme)
            {
                container = candidate;
            }
        }

        Assert.True(container is not null, $"no '{scheme}' in Swagger UI's Authorize dialog");
        if (user is not null)
        {
            await (await container.QuerySelectorAsync("input[type=text]"))!.TypeAsync(user);
            await (await container.QuerySelectorAsync("input[type=password]"))!.TypeAsync(key);
        }
        else
        {
            await (await container.QuerySelectorAsync("input"))!.TypeAsync(key);
        }

        await (await container.QuerySelectorAsync(".auth-btn-wrapper button.authorize"))!.ClickAsync();
        await Page.WaitForSelectorAsync(".modal-ux .auth-btn-wrapper button.btn-done");
        await Page.ClickAsync(".modal-ux .auth-btn-wrapper button.btn-done");
        await Page.WaitForSelectorAsync(".modal-ux", new WaitForSelectorOptions { Hidden = true });
    }

    /// <summary>Expands an operation (<c>Tag-OperationId</c>), clears its last answer, presses "Execute" and reads the answer the page shows.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> ExecuteAsync(string operation)
    {
        var block = $"#operations-{operation}";
        if (await Page.QuerySelectorAsync($"{block} button.execute") is null)
        {
            await ClickWhenStillAsync($"{block} .opblock-summary-control");
        }

        if (await Page.QuerySelectorAsync($"{block} button.btn-clear") is not null)
        {
            await ClickWhenStillAsync($"{block} button.btn-clear");
            await Page.WaitForSelectorAsync($"{block} .live-responses-table", new WaitForSelectorOptions { Hidden = true });
        }

        await ClickWhenStillAsync($"{block} button.execute");
        var status = await Page.WaitForSelectorAsync($"{block} .live-responses-table tbody .response .response-col_status");
        var code = (HttpStatusCode)int.Parse((await status.EvaluateFunctionAsync<string>("e => e.textContent")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var body = await Page.EvaluateFunctionAsync<string?>(
            "b => document.querySelector(b + ' .live-responses-table tbody .response-col_description .highlight-code pre')?.textContent ?? null", block);
        return (code, string.IsNullOrWhiteSpace(body) ? default : JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>
    /// Clicks an element once it is shown and has stopped moving (the same box over two animation frames): an
    /// operation's block opens with an animation, and a click at the point of a button still sliding in lands elsewhere.
    /// </summary>
    private async Task ClickWhenStillAsync(string selector)
    {
        await Page.WaitForFunctionAsync(
            """
            s => new Promise(done => {
                const e = document.querySelector(s);
                if (!e) { done(false); return; }
                const a = e.getBoundingClientRect();
                requestAnimationFrame(() => requestAnimationFrame(() => {
                    const b = e.getBoundingClientRect();
                    done(a.width > 0 && a.height > 0 && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);
                }));
            })
            """,
            selector);
        await Page.ClickAsync(selector);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        Http.Dispose();
        await App.DisposeAsync();
        _folder.Dispose();
    }
}
