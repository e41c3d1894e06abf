using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Platform.Idempotency;

/// <summary>What a duplicate gets while the first request with its key is still running.</summary>
public enum ConcurrentDuplicateBehavior
{
    /// <summary>409 Conflict at once (the client retries later).</summary>
    Conflict,

    /// <summary>Wait up to <see cref="IdempotencyOptions.WaitTimeout"/> for the first to finish and replay its response; 409 after that.</summary>
    Wait,
}

public sealed class IdempotencyOptions
{
    public string HeaderName { get; set; } = "Idempotency-Key";

    /// <summary>Header added to replayed responses (value "true").</summary>
    public string ReplayedHeaderName { get; set; } = "Idempotent-Replayed";

    /// <summary>When true, requests without the header get 400; otherwise they run without protection. Default false.</summary>
    public bool RequireKey { get; set; }

    public int MaxKeyLength { get; set; } = 255;

    /// <summary>How long a stored response is kept. Default 24 h.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a running request holds its key; a crashed instance's key frees itself after this. A handler running
    /// longer than this can be run again by a duplicate. Default 60 s.
    /// </summary>
    public TimeSpan InFlightTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public ConcurrentDuplicateBehavior ConcurrentDuplicates { get; set; } = ConcurrentDuplicateBehavior.Conflict;

    /// <summary>Longest wait with <see cref="ConcurrentDuplicateBehavior.Wait"/>. Default 10 s.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Response headers stored and replayed besides status and body.</summary>
    public ISet<string> ReplayedHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Content-Type", "Location", "ETag", "Content-Language" };

    /// <summary>When Redis is unreachable: false (default) answers 503; true runs the request without protection.</summary>
    public bool FailOpen { get; set; }

    public string KeyPrefix { get; set; } = "idem";

    /// <summary>
    /// Namespace of keys: two requests share a record only if their scope and key match. Default: the route pattern
    /// plus the authenticated user name, so clients cannot collide with (or read) each other's responses.
    /// </summary>
    public Func<HttpContext, string> Scope { get; set; } = DefaultScope;

    private static string DefaultScope(HttpContext context)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var user = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "";
        return $"{context.Request.Method} {route} {user}";
    }
}
