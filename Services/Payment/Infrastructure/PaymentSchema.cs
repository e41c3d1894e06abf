using Platform.Npgsql.Schema;

namespace Platform.Payment.Infrastructure;

/// <summary>The payments table: schema steps of paymentdb (AddServiceDatabase applies them at start-up).</summary>
internal static class PaymentSchema
{
    public static readonly SchemaMigration[] Migrations =
    [
        // order_id is the primary key: the database itself refuses a second payment for one order.
        new("payment 0001 payments", """
            CREATE TABLE payments (
                order_id uuid PRIMARY KEY,
                payment_id text NULL,
                amount numeric NOT NULL,
                status text NOT NULL,
                failure_reason text NULL,
                fence bigint NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        // reconcile_after is set while money may sit at the provider that must be checked or sent back, and is the
        // reconciler's queue (the partial index keeps it small)
        new("payment 0002 refunds and reconciliation", """
            ALTER TABLE payments ADD COLUMN refund_id text NULL;
            ALTER TABLE payments ADD COLUMN refund_reason text NULL;
            ALTER TABLE payments ADD COLUMN reconcile_after timestamptz NULL;
            ALTER TABLE payments ADD COLUMN reconciled_at timestamptz NULL;
            CREATE INDEX payments_reconcile_due ON payments (reconcile_after) WHERE reconcile_after IS NOT NULL;
            """),
        // whose money it is, so a refund is announced to that buyer (null on rows older than this step)
        new("payment 0003 buyer", "ALTER TABLE payments ADD COLUMN buyer_id text NULL;"),
    ];
}
