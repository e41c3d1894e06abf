using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// Brings roles, the configured users and the service clients to what the settings say, at every start: a user or
/// client that exists gets its password, secret and permissions from the settings again (the AppHost generates them
/// per run). Runs after the schema migrator (registered after it).
/// </summary>
internal sealed class IdentitySeeder(IServiceScopeFactory scopes, IdentitySettings settings, IHostEnvironment environment, ILogger<IdentitySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await SeedRolesAsync(services.GetRequiredService<RoleManager<IdentityRole>>());
        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        foreach (var user in settings.Users)
        {
            await SeedUserAsync(users, user);
        }

        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var client in settings.Clients)
        {
            await SeedApplicationAsync(applications, ServiceDescriptor(client), cancellationToken);
        }

        foreach (var client in settings.PublicClients)
        {
            await SeedApplicationAsync(applications, PublicDescriptor(client), cancellationToken);
        }

        if (environment.IsDevelopment())
        {
            await SeedApplicationAsync(applications, DevelopmentClient(), cancellationToken);
        }

        logger.LogInformation("Identity seeded: {Users} user(s), {Clients} service client(s).", settings.Users.Count, settings.Clients.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task SeedRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in new[] { PlatformAccess.BuyerRole, PlatformAccess.CatalogAdminRole, PlatformAccess.AdministratorRole })
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }
    }

    private static async Task SeedUserAsync(UserManager<IdentityUser> users, SeededUser seeded)
    {
        var user = await users.FindByNameAsync(seeded.UserName);
        if (user is null)
        {
            user = new IdentityUser(seeded.UserName);
            Check(await users.CreateAsync(user, seeded.Password), $"create user {seeded.UserName}");
        }
        else if (!await users.CheckPasswordAsync(user, seeded.Password))
        {
            Check(await users.RemovePasswordAsync(user), $"reset the password of {seeded.UserName}");
            Check(await users.AddPasswordAsync(user, seeded.Password), $"reset the password of {seeded.UserName}");
        }

        var missing = seeded.Roles.Except(await users.GetRolesAsync(user)).ToList();
        if (missing.Count > 0)
        {
            Check(await users.AddToRolesAsync(user, missing), $"give {seeded.UserName} its roles");
        }
    }

    private static async Task SeedApplicationAsync(IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    private static OpenIddictApplicationDescriptor ServiceDescriptor(ServiceClient client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = $"{client.ClientId} service",
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in client.Scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }

    private static OpenIddictApplicationDescriptor PublicDescriptor(PublicClient client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit, // our own applications: signing in is the consent
            DisplayName = client.ClientId,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        return descriptor;
    }

    private static OpenIddictApplicationDescriptor DevelopmentClient() => new()
    {
        ClientId = IdentityNames.DevelopmentClientId,
        ClientType = ClientTypes.Public,
        DisplayName = "Developer's curl (password grant, Development only)",
        Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken },
    };

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
