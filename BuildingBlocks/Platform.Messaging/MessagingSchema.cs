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
        // A row that fails waits its own growing delay instead of blocking the batch; pruning reads indexes.
        new("messaging 0002 per-row retry and pruning indexes", """
            ALTER TABLE outbox_messages
                ADD COLUMN attempts integer NOT NULL DEFAULT 0,
                ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
                ADD COLUMN last_error text NULL;
            DROP INDEX outbox_messages_unsent;
            CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at) WHERE sent_at IS NULL;
            CREATE INDEX outbox_messages_sent ON outbox_messages (sent_at) WHERE sent_at IS NOT NULL;
            CREATE INDEX inbox_messages_processed ON inbox_messages (processed_at);
            """),
    ];
}
