-- name: SerialKeys
-- Integer keys of parts of the ledger serials, stored with every ledger row,
-- so that the triage of unmatched serials (sql/audit/triage.sql) finds the
-- ledger rows near a missing serial by comparing UBIGINT columns, instead of
-- computing string functions over, and hashing, the text of every ledger row
-- ever loaded (millions of rows) in every run:
--   tail_key    text_key(right(serial_norm, 8))  the ledger serials that end
--                                                like a possible typo
--   bucket_key  text_key(left(serial_norm, -3))  the ledger serials in a
--                                                bucket of 1,000 numbers
-- A key is a hash: equal texts have equal keys, but two different texts can
-- share one, so a key match only finds candidates, which the triage confirms
-- on the text. Ingest computes the keys (sql/load/*_ledger.sql); this
-- migration fills them for the rows loaded before it. text_key is DuckDB's
-- hash(): a DuckDB version whose hash() differs needs a migration that
-- computes them again.

-- The key of a text: its hash.
CREATE OR REPLACE MACRO text_key(s) AS hash(s);

ALTER TABLE panel_ledger ADD COLUMN tail_key UBIGINT;
ALTER TABLE panel_ledger ADD COLUMN bucket_key UBIGINT;
ALTER TABLE inverter_ledger ADD COLUMN tail_key UBIGINT;
ALTER TABLE inverter_ledger ADD COLUMN bucket_key UBIGINT;

-- Filled by rewriting each column from the row's serial (less memory than an
-- UPDATE of every row, which keeps every old value until it commits).
ALTER TABLE panel_ledger ALTER tail_key SET DATA TYPE UBIGINT USING text_key(right(serial_norm, 8));
ALTER TABLE panel_ledger ALTER bucket_key SET DATA TYPE UBIGINT USING text_key(left(serial_norm, -3));
ALTER TABLE inverter_ledger ALTER tail_key SET DATA TYPE UBIGINT USING text_key(right(serial_norm, 8));
ALTER TABLE inverter_ledger ALTER bucket_key SET DATA TYPE UBIGINT USING text_key(left(serial_norm, -3));

-- The views over the ledgers name every column (`*`): made again so they see
-- the new ones (as sql/schema/03_current.sql defines them).
CREATE OR REPLACE VIEW panel_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY licensee_norm, serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM panel_ledger)
WHERE rn = 1;

CREATE OR REPLACE VIEW inverter_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY manufacturer_norm, serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM inverter_ledger)
WHERE rn = 1;
