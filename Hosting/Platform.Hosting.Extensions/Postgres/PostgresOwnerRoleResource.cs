using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// A login role that owns one database and nothing else: not a superuser, no CREATEDB or CREATEROLE, and the
/// database's CONNECT taken from PUBLIC, so no other service's role can open it. Its connection string is what the
/// owning service references in place of the database's own (which logs in as the server's superuser).
/// </summary>
public sealed class PostgresOwnerRoleResource(string name, PostgresDatabaseResource database, string roleName, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<PostgresDatabaseResource>, IResourceWithWaitSupport
{
    public PostgresDatabaseResource Parent { get; } = database;

    public string RoleName { get; } = roleName;

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Parent.Parent.PrimaryEndpoint.Property(EndpointProperty.Host)};Port={Parent.Parent.PrimaryEndpoint.Property(EndpointProperty.Port)};Username={RoleName};Password={Password};Database={Parent.DatabaseName}");
}
