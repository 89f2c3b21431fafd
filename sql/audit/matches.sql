-- name: PanelEntries
-- The current ledger entries of just the serials claimed: the latest upload
-- (then the later file, then the later line) per licensee and serial, where
-- licensees are compared by brand key, so a status update written `Jinko`
-- updates the entry uploaded as `Jinko Solar Co Ltd`. Ranking only these, and
-- on narrow rows (integer key ids) before fetching the whole entry, keeps a
-- 5M-row ledger cheap.
CREATE OR REPLACE TEMP TABLE panel_entries AS
WITH ranked AS (
    SELECT l.file_id, l.line, k.brand_id
    FROM panel_ledger l
    JOIN name_keys k ON k.name = l.licensee
    SEMI JOIN (SELECT DISTINCT serial_norm FROM audit_serials WHERE component = 'panel') s USING (serial_norm)
    QUALIFY row_number() OVER (
        PARTITION BY k.brand_id, l.serial_norm
        ORDER BY l.uploaded_at DESC, l.file_id DESC, l.line DESC) = 1
)
SELECT l.*, r.brand_id AS licensee_id, mk.model_id, sk.brand_id AS supplier_id
FROM panel_ledger l
JOIN ranked r USING (file_id, line)
JOIN name_keys mk ON mk.name = l.model_number
JOIN name_keys sk ON sk.name = l.supplier_name;

-- name: PanelMatches
-- For each distinct panel serial of a claim in scope, the ledger entry it is
-- matched to: the current entry under the claim's brand (by brand key) first;
-- only where none exists, the current entry of another brand (latest upload,
-- then brand key first). No entry at all leaves the ledger columns NULL
-- (panel.not_in_ledger). *_id are name_keys ids of brand and model keys.
CREATE OR REPLACE TEMP TABLE panel_matches AS
WITH claimed AS (
    SELECT DISTINCT s.claim_id, s.serial_norm, c.panel_brand_id
    FROM audit_serials s JOIN audit_claims c USING (claim_id)
    WHERE s.component = 'panel'
), chosen AS (
    SELECT c.claim_id, c.serial_norm, l.file_id, l.line
    FROM claimed c LEFT JOIN panel_entries l USING (serial_norm)
    QUALIFY row_number() OVER (PARTITION BY c.claim_id, c.serial_norm
        ORDER BY (l.licensee_id = c.panel_brand_id) DESC, l.uploaded_at DESC, l.licensee_id) = 1
)
SELECT ch.claim_id, ch.serial_norm,
    c.panel_brand, c.panel_brand_norm, c.panel_model, c.panel_model_norm,
    c.panel_brand_key, c.panel_brand_id, c.panel_model_id,
    l.file_id AS ledger_file_id, l.supplier_name, l.supplier_norm, l.licensee, l.licensee_norm,
    l.model_number, l.model_norm, l.uploaded_at, l.status, l.reason,
    l.supplier_id, l.licensee_id, l.model_id
FROM chosen ch
JOIN audit_claims c USING (claim_id)
LEFT JOIN panel_entries l ON l.file_id = ch.file_id AND l.line = ch.line;

-- name: InverterEntries
-- The same for inverters, per manufacturer (by brand key) and serial.
CREATE OR REPLACE TEMP TABLE inverter_entries AS
WITH ranked AS (
    SELECT l.file_id, l.line, k.brand_id
    FROM inverter_ledger l
    JOIN name_keys k ON k.name = l.manufacturer
    SEMI JOIN (SELECT DISTINCT serial_norm FROM audit_serials WHERE component = 'inverter') s USING (serial_norm)
    QUALIFY row_number() OVER (
        PARTITION BY k.brand_id, l.serial_norm
        ORDER BY l.uploaded_at DESC, l.file_id DESC, l.line DESC) = 1
)
SELECT l.*, r.brand_id AS manufacturer_id, mk.model_id
FROM inverter_ledger l
JOIN ranked r USING (file_id, line)
JOIN name_keys mk ON mk.name = l.model_number;

-- name: InverterMatches
-- The same for inverter serials, by manufacturer.
CREATE OR REPLACE TEMP TABLE inverter_matches AS
WITH claimed AS (
    SELECT DISTINCT s.claim_id, s.serial_norm, c.inverter_manufacturer_id
    FROM audit_serials s JOIN audit_claims c USING (claim_id)
    WHERE s.component = 'inverter'
), chosen AS (
    SELECT c.claim_id, c.serial_norm, l.file_id, l.line
    FROM claimed c LEFT JOIN inverter_entries l USING (serial_norm)
    QUALIFY row_number() OVER (PARTITION BY c.claim_id, c.serial_norm
        ORDER BY (l.manufacturer_id = c.inverter_manufacturer_id) DESC, l.uploaded_at DESC, l.manufacturer_id) = 1
)
SELECT ch.claim_id, ch.serial_norm,
    c.inverter_manufacturer, c.inverter_manufacturer_norm, c.inverter_model, c.inverter_model_norm,
    c.inverter_manufacturer_key, c.inverter_manufacturer_id, c.inverter_model_id,
    l.file_id AS ledger_file_id, l.manufacturer, l.manufacturer_norm,
    l.model_number, l.model_norm, l.uploaded_at, l.status, l.reason,
    l.manufacturer_id, l.model_id
FROM chosen ch
JOIN audit_claims c USING (claim_id)
LEFT JOIN inverter_entries l ON l.file_id = ch.file_id AND l.line = ch.line;
