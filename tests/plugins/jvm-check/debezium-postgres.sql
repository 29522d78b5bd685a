-- The table sluice-plugin-check's Debezium run snapshots: a row per type family, so that the
-- records it checks carry structs with Decimal, Date, Timestamp, bytes and booleans.
CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, price numeric(8,2),
                    made date, seen timestamp(3), blob bytea, active boolean);
INSERT INTO items (name, price, made, seen, blob, active) VALUES
  ('widget', 9.99, '2024-02-29', '2024-02-29 12:34:56.789', '\x00ff', true),
  ('gadget', NULL, NULL, NULL, NULL, NULL);
