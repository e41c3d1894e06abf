using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// A password hash that belongs to no account, made once as the service starts with the registered hasher (same
/// algorithm and iteration count as every real hash), so that a sign-in with an unknown name costs one hash check as a
/// known name does, and the answer's timing does not tell which accounts exist. A hosted service only to be made at
/// start, not on the first sign-in.
/// </summary>
internal sealed class UnknownUserPassword : IHostedService
{
    private static readonly IdentityUser Nobody = new("nobody");
    private readonly string _hash;

    public UnknownUserPassword(IServiceScopeFactory scopes)
    {
        // the hasher is scoped (ASP.NET Core Identity's registration); this runs once
        using var scope = scopes.CreateScope();
        _hash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<IdentityUser>>()
            .HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
    }

    /// <summary>Checks <paramref name="password"/> against the hash for nobody; the answer is never used.</summary>
    public void Check(IPasswordHasher<IdentityUser> hasher, string password) => hasher.VerifyHashedPassword(Nobody, _hash, password);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
