using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.Hosting.Dashboard;

/// <summary>Server-rendered page shells; each page's script (embedded in this assembly) polls the JSON API and
/// renders. No inline script, so the Content-Security-Policy can forbid it.</summary>
internal static class DashboardPages
{
    private static readonly (string Path, string Script, string Title)[] Pages =
    [
        ("/", "resources", "Resources"),
        ("/console", "console", "Console logs"),
        ("/structured", "structured", "Structured logs"),
        ("/traces", "traces", "Traces"),
        ("/traces/{traceId}", "trace", "Trace"),
        ("/metrics", "metrics", "Metrics"),
    ];

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    public static void Map(WebApplication app)
    {
        foreach (var (path, script, title) in Pages)
        {
            app.MapGet(path, () => Results.Content(Shell(script, title), "text/html; charset=utf-8"));
        }

        app.MapGet("/assets/{file}", (string file) =>
        {
            var stream = typeof(DashboardPages).Assembly.GetManifestResourceStream($"Dashboard.Assets.{file}");
            return stream is null || !ContentTypes.TryGetValue(Path.GetExtension(file), out var type)
                ? Results.NotFound()
                : Results.Stream(stream, type);
        });
    }

    private static string Shell(string script, string title)
    {
        var nav = string.Concat(Pages.Where(p => !p.Path.Contains('{', StringComparison.Ordinal))
            .Select(p => $"""<a href="{p.Path}" data-nav="{p.Script}">{WebUtility.HtmlEncode(p.Title)}</a>"""));
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{WebUtility.HtmlEncode(title)} · Platform dashboard</title>
            <link rel="stylesheet" href="/assets/dashboard.css">
            </head>
            <body data-page="{script}">
            <header><span class="brand">Platform</span><nav>{nav}</nav></header>
            <main><h1 id="title">{WebUtility.HtmlEncode(title)}</h1><div id="content"></div></main>
            <script src="/assets/common.js"></script>
            <script src="/assets/{script}.js"></script>
            </body>
            </html>
            """;
    }
}
