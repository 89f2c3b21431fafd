-- name: TriageColumns
-- Two more integer columns for the triage of unmatched serials
-- (sql/audit/triage.sql), so that it reads no serial text of the ledgers or
-- of the claims' listings, only integers (the text of millions of rows costs
-- seconds to read in every nightly run):
--   panel_ledger.tail3, inverter_ledger.tail3   serial_tail3(serial_norm):
--       the number its last 3 characters make when all 3 are digits, else
--       NULL. With the bucket_key of sql/schema/12_serial_keys.sql (all but
--       the last 3 characters) it tells which serial of a bucket a row holds.
--   claim_serials.serial_key                    text_key(serial_norm): finds
--       the listings of a few serials without comparing the text of every
--       listing.
-- Ingest computes them (sql/load/*_ledger.sql, sql/load/claims.sql); this
-- migration fills them for the rows loaded before it.

-- The number of a serial's last 3 characters when all 3 are digits, else NULL.
CREATE OR REPLACE MACRO serial_tail3(s) AS
    CASE WHEN regexp_full_match(right(s, 3), '[0-9]{3}') THEN right(s, 3)::SMALLINT END;

ALTER TABLE panel_ledger ADD COLUMN tail3 SMALLINT;
ALTER TABLE inverter_ledger ADD COLUMN tail3 SMALLINT;
ALTER TABLE claim_serials ADD COLUMN serial_key UBIGINT;

-- Filled by rewriting each column from the row's serial (less memory than an
-- UPDATE of every row), as sql/schema/12_serial_keys.sql does.
ALTER TABLE panel_ledger ALTER tail3 SET DATA TYPE SMALLINT USING serial_tail3(serial_norm);
ALTER TABLE inverter_ledger ALTER tail3 SET DATA TYPE SMALLINT USING serial_tail3(serial_norm);
ALTER TABLE claim_serials ALTER serial_key SET DATA TYPE UBIGINT USING text_key(serial_norm);

-- The views over these tables name every column (`*`): made again so they see
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

CREATE OR REPLACE VIEW claim_serials_current AS
SELECT s.*
FROM claim_serials s
JOIN claims_current c USING (claim_id, file_id);
