using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Platform.EndToEnd.Tests;

/// <summary>Headless Debian Chromium driven by its chromedriver, with a fresh profile; saves screenshots to
/// <c>TestResults/screenshots/</c> at the repository root.</summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ChromeDriverPath = "/usr/bin/chromedriver";

    /// <summary>Reloads of a crashed page one wait allows before it fails.</summary>
    private const int MaxReloads = 3;

    private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("dashboard-chromium-");
    private readonly ChromeDriver _driver;
    private readonly Action<string>? _onCrash;

    /// <param name="onCrash">Told each time a page showed Blazor's "An unhandled error has occurred" and was reloaded
    /// (what its user would do), so the test's output says so and why.</param>
    public Browser(Action<string>? onCrash = null)
    {
        _onCrash = onCrash;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
            "--window-size=1400,1600", $"--user-data-dir={_profile.FullName}");
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        // Selenium's default would let one page load hold a test for 5 minutes
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    public static string ScreenshotDirectory { get; } = Path.Combine(FindRepositoryRoot(), "TestResults", "screenshots");

    public IWebDriver Driver => _driver;

    public void GoTo(string url) => _driver.Navigate().GoToUrl(url);

    public IReadOnlyList<IWebElement> All(string css) => _driver.FindElements(By.CssSelector(css));

    /// <summary>Polls until the condition holds; elements the page re-renders meanwhile just mean "not yet". On timeout
    /// the message ends with <paramref name="seen"/>: what the page showed instead.</summary>
    public void WaitUntil(Func<bool> condition, string what, int seconds = 30, Func<string>? seen = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var reloads = 0;
        while (true)
        {
            try
            {
                // A crashed Blazor page (its circuit ended by an exception) never changes again: reload it, a few times
                if (reloads < MaxReloads && Crashed())
                {
                    reloads++;
                    Screenshot($"crashed-{reloads}-" + string.Concat(what.Where(char.IsLetterOrDigit)));
                    _onCrash?.Invoke($"the page {_driver.Url} crashed while waiting for {what}; reload {reloads} of {MaxReloads}");
                    _driver.Navigate().Refresh();
                    deadline = deadline.AddSeconds(10); // the reload's own time is not the condition's
                    continue;
                }

                if (condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is StaleElementReferenceException or NoSuchElementException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                Screenshot("failure-" + string.Concat(what.Where(char.IsLetterOrDigit)));
                throw new TimeoutException($"Waited {seconds} s for: {what}. Page: {_driver.Url}{(seen is null ? "" : $". Seen: {Describe(seen)}")}");
            }

            Thread.Sleep(200);
        }
    }

    /// <summary>Blazor's error bar is showing: the page's circuit is gone.</summary>
    private bool Crashed() => _driver.FindElements(By.Id("blazor-error-ui")).Any(e => e.Displayed);

    private static string Describe(Func<string> seen)
    {
        try
        {
            return seen();
        }
        catch (Exception ex) when (ex is StaleElementReferenceException or NoSuchElementException)
        {
            return "(the page was re-rendering)";
        }
    }

    /// <summary>Clicks the element after scrolling it to the middle of the window; false when something else would
    /// receive the click.</summary>
    public bool TryClick(IWebElement element)
    {
        _driver.ExecuteScript("arguments[0].scrollIntoView({block: 'center', inline: 'center'});", element);
        try
        {
            element.Click();
            return true;
        }
        catch (ElementClickInterceptedException)
        {
            return false;
        }
    }

    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, $"{name}.png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be releasing its profile; a temp directory left behind is harmless.
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.slnx")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
