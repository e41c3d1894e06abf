using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

public static class PostgresOwnerRoleExtensions
{
    /// <summary>
    /// The role <paramref name="roleName"/> (generated password) as the owner of the database: a connection string a
    /// service references with the database's connection name (<c>.WithReference(owner, "orderdb").WaitFor(owner)</c>),
    /// healthy once it can log in. The bootstrap project creates it (<see cref="WithOwnerRoles"/>), in both modes.
    /// </summary>
    public static IResourceBuilder<PostgresOwnerRoleResource> AddOwnerRole(this IResourceBuilder<PostgresDatabaseResource> database, string roleName)
    {
        var app = database.ApplicationBuilder;
        var name = $"{database.Resource.Name}-owner";
        var password = app.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false, MinLower = 1, MinUpper = 1, MinNumeric = 1 }, secret: true, persist: true);
        var role = new PostgresOwnerRoleResource(name, database.Resource, roleName, password.Resource);

        string? connectionString = null;
        var healthCheck = $"{name}_check";
        app.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name}: the role is not created yet."), name: healthCheck);
        app.Eventing.Subscribe<ConnectionStringAvailableEvent>(role, async (_, ct) => connectionString = await role.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        return app.AddResource(role)
            .WithParentRelationship(database)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresRole", State = KnownResourceStates.Waiting, Properties = [] })
            .WithHealthCheck(healthCheck)
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.Writer.WriteString("connectionString", role.ConnectionStringExpression.ValueExpression);
            });
    }

    /// <summary>
    /// Makes <paramref name="bootstrap"/> (a run-once project: <c>Services/Bootstrap</c>) create each role's database if
    /// it is missing and the role as its owner, as the superuser, before the services start: it alone gets the
    /// superuser's connection string. Each role is Running once the bootstrap has finished with exit code 0 (then its
    /// health check logs in), FailedToStart if it failed; a service that waits for its role waits for the bootstrap.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithOwnerRoles(this IResourceBuilder<ProjectResource> bootstrap,
        IResourceBuilder<PostgresServerResource> postgres, params IResourceBuilder<PostgresOwnerRoleResource>[] roles)
    {
        bootstrap.WithReference(postgres).WaitFor(postgres);
        foreach (var role in roles)
        {
            var database = role.Resource.Parent;
            bootstrap.WithEnvironment($"Bootstrap__Databases__{database.DatabaseName}__Role", role.Resource.RoleName)
                .WithEnvironment($"Bootstrap__Databases__{database.DatabaseName}__Password", role.Resource.Password)
                // where the AppHost runs the server, Aspire creates the database first; the bootstrap does it elsewhere
                .WaitFor(role.ApplicationBuilder.CreateResourceBuilder(database));
            role.WaitForCompletion(bootstrap);
            role.OnInitializeResource((resource, e, ct) =>
            {
                _ = FollowAsync(resource, bootstrap.Resource, e.Notifications, e.Eventing, e.Services, ct);
                return Task.CompletedTask;
            });
        }

        return bootstrap;
    }

    private static async Task FollowAsync(PostgresOwnerRoleResource role, ProjectResource bootstrap, ResourceNotificationService notifications,
        Aspire.Hosting.Eventing.IDistributedApplicationEventing eventing, IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (change.Resource != bootstrap || change.Snapshot.State?.Text is not { } state || !KnownResourceStates.TerminalStates.Contains(state))
                {
                    continue;
                }

                if (state == KnownResourceStates.Finished && change.Snapshot.ExitCode == 0)
                {
                    await eventing.PublishAsync(new ConnectionStringAvailableEvent(role, services), cancellationToken).ConfigureAwait(false);
                    await notifications.PublishUpdateAsync(role, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow }).ConfigureAwait(false);
                }
                else
                {
                    await notifications.PublishUpdateAsync(role, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
