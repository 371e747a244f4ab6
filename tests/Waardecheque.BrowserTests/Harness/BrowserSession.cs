namespace Waardecheque.BrowserTests.Harness;

/// <summary>Which screen a page gets.</summary>
public enum Screen
{
    /// <summary>A cheap phone held upright: 390x844 CSS pixels, device scale 2, mobile, touch.</summary>
    Phone,
    /// <summary>A staff laptop: 1280x800.</summary>
    Desktop,
}

/// <summary>
/// One headless Debian chromium (<c>/usr/bin/chromium</c>) driven by Playwright for .NET, shared by every test in the
/// <see cref="BrowserCollection"/>. Each <see cref="NewPageAsync"/> opens a fresh browser context (own cookies,
/// storage, viewport), closed when the collection ends. No browser is ever downloaded: the executable is Debian's.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    /// <summary>Debian's chromium; <c>WAARDECHEQUE_CHROMIUM</c> overrides it.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("WAARDECHEQUE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>
    /// The flags every launch gets. Playwright itself creates a fresh temporary --user-data-dir for each launch and
    /// deletes it on close (it refuses a --user-data-dir in the arguments), so each run starts from a clean profile.
    /// </summary>
    public static IReadOnlyList<string> ChromiumArgs { get; } =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>
    /// How long one Playwright action, navigation or expectation may take before the test fails. Not a speed check:
    /// generous, because CI machines have two cores and a loaded one once took over 15 s for a page.
    /// </summary>
    /// <remarks>
    /// Tests press buttons and links with <c>ClickAsync</c>, never <c>TapAsync</c>, even on the phone screen (which
    /// still has touch, mobile viewport and device scale). A tap sends touchstart and touchend; chromium's gesture
    /// detector turns them into a click only if they arrive close together, and on a loaded two-core CI machine they
    /// once did not: the form was never submitted and the test waited 45 s for a page that never came. The pages
    /// have no touch-only behaviour, so a click tests the same thing without that race.
    /// </remarks>
    public const float ActionTimeoutMs = 45_000;

    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<IBrowser> _extraBrowsers = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IPlaywright Playwright => _playwright ?? throw new InvalidOperationException("BrowserSession is not started.");
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("BrowserSession is not started.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(ActionTimeoutMs);
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}. Run `bash infra/browser-prerequisites.sh` as root " +
                "(it runs `apt-get install -y --no-install-recommends chromium`), or set WAARDECHEQUE_CHROMIUM. " +
                "Never run `playwright install`: browsers cannot be downloaded here.");
        }
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await LaunchChromiumAsync(_playwright, []);
    }

    /// <summary>Launches another Debian chromium with the standard flags plus <paramref name="extraArgs"/> (for
    /// example a fake camera, see <see cref="FakeCamera"/>); it is closed with the session.</summary>
    public async Task<IBrowser> LaunchExtraBrowserAsync(params string[] extraArgs)
    {
        var browser = await LaunchChromiumAsync(Playwright, extraArgs);
        lock (_extraBrowsers) _extraBrowsers.Add(browser);
        return browser;
    }

    private static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright, IEnumerable<string> extraArgs) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            ChromiumSandbox = false,
            Args = [.. ChromiumArgs, .. extraArgs],
            Timeout = 60_000,
        });

    /// <summary>A new page in a fresh context with the given screen, Dutch locale and Amsterdam time zone.</summary>
    public Task<IPage> NewPageAsync(Screen screen = Screen.Phone, IBrowser? browser = null, string locale = "nl-NL")
        => NewPageAsync(ContextOptions(screen, locale), browser);

    /// <summary>A new page in a fresh context with options of your own (start from <see cref="ContextOptions"/>).</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions options, IBrowser? browser = null)
    {
        var context = await (browser ?? Browser).NewContextAsync(options);
        context.SetDefaultTimeout(ActionTimeoutMs);
        context.SetDefaultNavigationTimeout(ActionTimeoutMs);
        lock (_contexts) _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>The context options for a screen: viewport, device scale, mobile and touch, locale, time zone.</summary>
    public static BrowserNewContextOptions ContextOptions(Screen screen, string locale = "nl-NL") => screen switch
    {
        Screen.Phone => new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            UserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) " +
                        "Chrome/156.0.0.0 Mobile Safari/537.36",
            Locale = locale,
            TimezoneId = "Europe/Amsterdam",
        },
        Screen.Desktop => new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            DeviceScaleFactor = 1,
            Locale = locale,
            TimezoneId = "Europe/Amsterdam",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(screen)),
    };

    /// <summary>Saves a PNG of <paramref name="page"/> as TestResults/screenshots/NAME.png (see
    /// <see cref="PageScreenshots.SaveScreenshotAsync"/>).</summary>
    public Task<string> SaveScreenshotAsync(IPage page, string name, bool fullPage = true)
        => page.SaveScreenshotAsync(name, fullPage);

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            try { await context.CloseAsync(); } catch (PlaywrightException) { /* browser already gone */ }
        }
        foreach (var browser in _extraBrowsers)
        {
            try { await browser.CloseAsync(); } catch (PlaywrightException) { }
        }
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>All browser test classes join this collection: one chromium, tests run one at a time (2-core machines).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserSession>
{
    public const string Name = "Browser";
}

/// <summary>Screenshots kept as CI artifacts.</summary>
public static class PageScreenshots
{
    /// <summary>
    /// Writes a PNG of the page to <c>TestResults/screenshots/NAME.png</c> under the repository root and returns its
    /// path. NAME is reduced to letters, digits, '-', '_' and '.'; an existing file is overwritten.
    /// </summary>
    public static async Task<string> SaveScreenshotAsync(this IPage page, string name, bool fullPage = true)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        if (safe.Length == 0) throw new ArgumentException("A screenshot needs a name.", nameof(name));
        Directory.CreateDirectory(RepoPaths.Screenshots);
        var path = Path.Combine(RepoPaths.Screenshots, safe.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? safe : safe + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Type = ScreenshotType.Png });
        return path;
    }
}
