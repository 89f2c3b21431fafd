-- name: PanelEntries
-- The current ledger entries (as the view panel_ledger_current defines them:
-- latest uploaded_at, then later file, then later line, per licensee and
-- serial) of just the serials claimed. Ranking only these, and on narrow rows
-- before fetching the whole entry, keeps a 5M-row ledger cheap.
CREATE OR REPLACE TEMP TABLE panel_entries AS
WITH ranked AS (
    SELECT file_id, line
    FROM panel_ledger
    SEMI JOIN (SELECT DISTINCT serial_norm FROM audit_serials WHERE component = 'panel') s USING (serial_norm)
    QUALIFY row_number() OVER (
        PARTITION BY licensee_norm, serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) = 1
)
SELECT l.* FROM panel_ledger l SEMI JOIN ranked USING (file_id, line);

-- name: PanelMatches
-- For each distinct panel serial of a claim in scope, the ledger entry it is
-- matched to: the current entry under the claim's brand first; only where none
-- exists, the current entry of another brand (latest upload first). No entry
-- at all leaves the ledger columns NULL (panel.not_in_ledger).
CREATE OR REPLACE TEMP TABLE panel_matches AS
WITH claimed AS (
    SELECT DISTINCT s.claim_id, s.serial_norm, c.panel_brand_norm
    FROM audit_serials s JOIN audit_claims c USING (claim_id)
    WHERE s.component = 'panel'
), chosen AS (
    SELECT c.claim_id, c.serial_norm, l.file_id, l.line
    FROM claimed c LEFT JOIN panel_entries l USING (serial_norm)
    QUALIFY row_number() OVER (PARTITION BY c.claim_id, c.serial_norm
        ORDER BY (l.licensee_norm = c.panel_brand_norm) DESC, l.uploaded_at DESC, l.licensee_norm) = 1
)
SELECT ch.claim_id, ch.serial_norm,
    c.panel_brand, c.panel_brand_norm, c.panel_model, c.panel_model_norm,
    l.file_id AS ledger_file_id, l.supplier_name, l.supplier_norm, l.licensee, l.licensee_norm,
    l.model_number, l.model_norm, l.uploaded_at, l.status, l.reason
FROM chosen ch
JOIN audit_claims c USING (claim_id)
LEFT JOIN panel_entries l ON l.file_id = ch.file_id AND l.line = ch.line;

-- name: InverterEntries
-- The same for inverters, per manufacturer and serial.
CREATE OR REPLACE TEMP TABLE inverter_entries AS
WITH ranked AS (
    SELECT file_id, line
    FROM inverter_ledger
    SEMI JOIN (SELECT DISTINCT serial_norm FROM audit_serials WHERE component = 'inverter') s USING (serial_norm)
    QUALIFY row_number() OVER (
        PARTITION BY manufacturer_norm, serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) = 1
)
SELECT l.* FROM inverter_ledger l SEMI JOIN ranked USING (file_id, line);

-- name: InverterMatches
-- The same for inverter serials, by manufacturer.
CREATE OR REPLACE TEMP TABLE inverter_matches AS
WITH claimed AS (
    SELECT DISTINCT s.claim_id, s.serial_norm, c.inverter_manufacturer_norm
    FROM audit_serials s JOIN audit_claims c USING (claim_id)
    WHERE s.component = 'inverter'
), chosen AS (
    SELECT c.claim_id, c.serial_norm, l.file_id, l.line
    FROM claimed c LEFT JOIN inverter_entries l USING (serial_norm)
    QUALIFY row_number() OVER (PARTITION BY c.claim_id, c.serial_norm
        ORDER BY (l.manufacturer_norm = c.inverter_manufacturer_norm) DESC, l.uploaded_at DESC, l.manufacturer_norm) = 1
)
SELECT ch.claim_id, ch.serial_norm,
    c.inverter_manufacturer, c.inverter_manufacturer_norm, c.inverter_model, c.inverter_model_norm,
    l.file_id AS ledger_file_id, l.manufacturer, l.manufacturer_norm,
    l.model_number, l.model_norm, l.uploaded_at, l.status, l.reason
FROM chosen ch
JOIN audit_claims c USING (claim_id)
LEFT JOIN inverter_entries l ON l.file_id = ch.file_id AND l.line = ch.line;
