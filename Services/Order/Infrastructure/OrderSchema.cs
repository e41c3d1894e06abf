using Platform.Npgsql.Schema;

namespace Platform.Order.Infrastructure;

/// <summary>The ordering tables: schema steps of orderdb (AddServiceDatabase applies them at start-up).</summary>
internal static class OrderSchema
{
    public static readonly SchemaMigration[] Migrations =
    [
        new("order 0001 orders, lines and status history", """
            CREATE TABLE orders (
                id uuid PRIMARY KEY,
                buyer_id text NOT NULL,
                status text NOT NULL,
                status_reason text NULL,
                total numeric(14,2) NOT NULL,
                idempotency_key text NOT NULL,
                request_hash text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT orders_idempotency_key UNIQUE (buyer_id, idempotency_key)
            );
            CREATE INDEX orders_buyer_created ON orders (buyer_id, created_at DESC);
            CREATE INDEX orders_open ON orders (created_at) WHERE status IN ('Pending', 'StockReserved');
            CREATE TABLE order_lines (
                order_id uuid NOT NULL REFERENCES orders (id),
                product_id int NOT NULL,
                quantity int NOT NULL CHECK (quantity > 0),
                unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
                PRIMARY KEY (order_id, product_id)
            );
            CREATE TABLE order_status_history (
                order_id uuid NOT NULL REFERENCES orders (id),
                status text NOT NULL,
                reason text NULL,
                at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            CREATE INDEX order_status_history_order ON order_status_history (order_id, at);
            """),
        // a waiting room's admission buys one order: the unique id holds even if Redis forgot the admission was used
        new("order 0002 one order per admission", """
            ALTER TABLE orders ADD COLUMN admission_id text NULL;
            CREATE UNIQUE INDEX orders_admission ON orders (admission_id) WHERE admission_id IS NOT NULL;
            """),
        // a buyer's open orders are counted at every placement (the cap on open orders): only those few rows are read
        new("order 0003 open orders by buyer", """
            CREATE INDEX orders_open_by_buyer ON orders (buyer_id) WHERE status IN ('Pending', 'StockReserved');
            """),
        // the payment an order asked for, by a random id: an outcome that does not name it is not acted on
        new("order 0004 payment request id", """
            ALTER TABLE orders ADD COLUMN payment_request_id uuid NULL;
            """),
    ];
}
