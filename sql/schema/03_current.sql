-- name: Current
-- The current state derived from history: the latest ledger entry per key and
-- the latest version of every claim. Views, so history stays the only truth.

-- Latest entry per (licensee, serial): later uploaded_at wins, ties go to the
-- later file, then the later line. sql/audit/matches.sql applies the same rule
-- to just the claimed serials (for speed): change both together.
CREATE VIEW panel_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY licensee_norm, serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM panel_ledger)
WHERE rn = 1;

CREATE VIEW inverter_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY manufacturer_norm, serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM inverter_ledger)
WHERE rn = 1;

-- A claim_id seen again in a later file is an amendment: the later file wins.
CREATE VIEW claims_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY claim_id ORDER BY file_id DESC, line DESC) AS rn
    FROM claims)
WHERE rn = 1;

CREATE VIEW claim_serials_current AS
SELECT s.*
FROM claim_serials s
JOIN claims_current c USING (claim_id, file_id);
