using Platform.Npgsql.Schema;

namespace Platform.Notification.Infrastructure;

/// <summary>The notifications table: schema steps of notificationdb (AddServiceDatabase applies them at start-up).</summary>
internal static class NotificationSchema
{
    public static readonly SchemaMigration[] Migrations =
    [
        new("notification 0001 notifications", """
            CREATE TABLE notifications (
                id uuid PRIMARY KEY,
                buyer_id text NOT NULL,
                order_id uuid NOT NULL,
                kind text NOT NULL,
                message text NOT NULL,
                created_at timestamptz NOT NULL
            );
            CREATE INDEX notifications_buyer_created ON notifications (buyer_id, created_at DESC);
            """),
    ];
}
