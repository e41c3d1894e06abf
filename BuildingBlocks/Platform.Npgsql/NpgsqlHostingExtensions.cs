using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Platform.Npgsql.Schema;

namespace Microsoft.Extensions.Hosting;

public static class NpgsqlHostingExtensions
{
    /// <summary>Setting for the most connections one instance opens to its database.</summary>
    public const string MaxPoolSizeKey = "Database:MaxPoolSize";

    /// <summary>
    /// Npgsql's default (100 per instance) would let 3 instances exhaust PostgreSQL's <c>max_connections</c>; the
    /// platform's sum is in docs/messaging.md ("Connections").
    /// </summary>
    public const int DefaultMaxPoolSize = 30;

    /// <summary>
    /// The service's own database through Aspire.Npgsql (a pooled <see cref="NpgsqlDataSource"/>, its health check,
    /// tracing and metrics), with the pool bounded by <see cref="MaxPoolSizeKey"/>, and its schema brought up to date
    /// before anything else starts (<see cref="AddSchemaMigrations"/>). Call it before the bus is added: hosted
    /// services start in registration order.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var maxPoolSize = builder.Configuration.GetValue(MaxPoolSizeKey, DefaultMaxPoolSize);
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: dataSource => dataSource.ConnectionStringBuilder.MaxPoolSize = maxPoolSize);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaMigrator>());
        return builder;
    }

    /// <summary>Schema steps the service's database needs, applied by <see cref="AddServiceDatabase"/>'s migrator in registration order.</summary>
    public static IHostApplicationBuilder AddSchemaMigrations(this IHostApplicationBuilder builder, string owner, params SchemaMigration[] migrations)
    {
        builder.Services.AddSingleton(new SchemaMigrationSet(owner, migrations));
        return builder;
    }
}
