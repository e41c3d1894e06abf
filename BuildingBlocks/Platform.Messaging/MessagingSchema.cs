using Platform.Npgsql.Schema;

namespace Platform.Messaging;

/// <summary>The outbox and inbox tables, in the service's own database.</summary>
internal static class MessagingSchema
{
    public const string Owner = "messaging";

    public static readonly SchemaMigration[] Migrations =
    [
        new("messaging 0001 outbox and inbox", """
            CREATE TABLE outbox_messages (
                id uuid PRIMARY KEY,
                message_type text NOT NULL,
                payload jsonb NOT NULL,
                trace_parent text NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                sent_at timestamptz NULL
            );
            CREATE INDEX outbox_messages_unsent ON outbox_messages (created_at) WHERE sent_at IS NULL;
            CREATE TABLE inbox_messages (
                message_id uuid NOT NULL,
                consumer text NOT NULL,
                processed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (message_id, consumer)
            );
            """),
    ];
}
