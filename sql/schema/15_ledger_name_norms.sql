-- name: LedgerNameNorms
-- The ledgers no longer store each name's normalised form beside the name
-- (panel: supplier_norm, licensee_norm, model_norm; inverter:
-- manufacturer_norm, model_norm, series_norm). Each was norm_name() of the
-- name next to it (sql/load/*_ledger.sql wrote them so); the audit compares
-- names by their brand and model keys (name_keys), never by these, and only
-- the current views below and one report column read them. Writing them was
-- a quarter of a ledger file's INSERT (a 625k-row file: 1.02 -> 0.75 s on one
-- thread), the longest step of an ingest. Dropping a column rewrites nothing.

-- The views name every column (`*`) and partition by a dropped one: made
-- again after the columns go, with the key taken from the name.
DROP VIEW panel_ledger_current;
DROP VIEW inverter_ledger_current;

ALTER TABLE panel_ledger DROP COLUMN supplier_norm;
ALTER TABLE panel_ledger DROP COLUMN licensee_norm;
ALTER TABLE panel_ledger DROP COLUMN model_norm;
ALTER TABLE inverter_ledger DROP COLUMN manufacturer_norm;
ALTER TABLE inverter_ledger DROP COLUMN model_norm;
ALTER TABLE inverter_ledger DROP COLUMN series_norm;

CREATE VIEW panel_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY norm_name(licensee), serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM panel_ledger)
WHERE rn = 1;

CREATE VIEW inverter_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY norm_name(manufacturer), serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM inverter_ledger)
WHERE rn = 1;
