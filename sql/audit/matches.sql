-- name: BrandRanks
-- Every name with its brand key and that key's place in descending order, so
-- "the smaller brand key wins a tie" can be part of one ranking key below.
CREATE OR REPLACE TEMP TABLE brand_ranks AS
SELECT name, brand_key, dense_rank() OVER (ORDER BY brand_key DESC) AS key_rank
FROM name_keys;

-- name: PanelChosen
-- For each distinct panel serial of a claim in scope, in one pass over the
-- ledger rows of that serial, the entry it is matched to: the current entry
-- under the claim's brand (by brand key) first; only where none exists, the
-- current entry of another brand (latest upload first, then the smaller brand
-- key). The current entry per (brand key, serial) is the latest upload, then
-- the later file, then the later line (as panel_ledger_current), so one
-- ranking key orders every row: (claim's brand, uploaded_at, brand key's rank,
-- file_id, line); arg_max keeps the best. No entry at all: e.file_id is NULL.
-- Then the flags the checks look for, the supplier's authorisation judged once
-- per distinct (supplier, licensee, upload day).
CREATE OR REPLACE TEMP TABLE panel_chosen AS
WITH claimed AS (
    SELECT DISTINCT s.claim_id, s.serial_norm, c.panel_brand_key, c.panel_model_key
    FROM audit_serials s JOIN audit_claims c USING (claim_id)
    WHERE s.component = 'panel'
)
SELECT c.claim_id, c.serial_norm, c.panel_brand_key, c.panel_model_key,
    arg_max({file_id: l.file_id, line: l.line, licensee: l.licensee, licensee_key: k.brand_key,
             model_number: l.model_number, supplier_name: l.supplier_name, uploaded_at: l.uploaded_at, status: l.status},
            {own_brand: k.brand_key = c.panel_brand_key, uploaded_at: l.uploaded_at, key_rank: k.key_rank,
             file_id: l.file_id, line: l.line}) AS e
FROM claimed c
LEFT JOIN panel_ledger l USING (serial_norm)
LEFT JOIN brand_ranks k ON k.name = l.licensee
GROUP BY c.claim_id, c.serial_norm, c.panel_brand_key, c.panel_model_key;

CREATE OR REPLACE TEMP TABLE panel_authorised AS
WITH uploads AS (
    SELECT DISTINCT ch.e.supplier_name AS supplier_name, ch.e.licensee_key AS licensee_key, ch.e.uploaded_at::DATE AS day
    FROM panel_chosen ch WHERE ch.e.file_id IS NOT NULL
)
SELECT u.supplier_name, u.licensee_key, u.day,
    coalesce(bool_or(u.day >= s.authorised_from AND (s.authorised_to IS NULL OR u.day <= s.authorised_to)), false) AS authorised
FROM uploads u
JOIN name_keys n ON n.name = u.supplier_name
LEFT JOIN audit_suppliers s ON s.supplier_key = n.brand_key AND s.product = 'panel' AND s.brand_key = u.licensee_key
GROUP BY ALL;

-- name: PanelMatches
-- The matched entries some check flags, in full: not in the ledger, invalid,
-- under another brand or model, or uploaded by an unauthorised supplier.
-- Unflagged matches (nearly all) are not kept: no check reads them.
CREATE OR REPLACE TEMP TABLE panel_matches AS
WITH flagged AS (
    SELECT ch.claim_id, ch.serial_norm, ch.e.file_id AS file_id, ch.e.line AS line
    FROM panel_chosen ch
    LEFT JOIN name_keys mk ON mk.name = ch.e.model_number
    LEFT JOIN panel_authorised a
        ON a.supplier_name = ch.e.supplier_name AND a.licensee_key = ch.e.licensee_key AND a.day = ch.e.uploaded_at::DATE
    WHERE ch.e.file_id IS NULL
       OR ch.e.status = 'invalid'
       OR ch.e.licensee_key <> ch.panel_brand_key OR mk.model_key <> ch.panel_model_key
       OR NOT a.authorised
)
SELECT f.claim_id, f.serial_norm,
    c.panel_brand, c.panel_brand_norm, c.panel_model, c.panel_model_norm,
    c.panel_brand_key, c.panel_brand_base, c.panel_model_key, c.panel_model_name_key,
    l.file_id AS ledger_file_id, l.supplier_name, l.supplier_norm, l.licensee, l.licensee_norm,
    l.model_number, l.model_norm, l.uploaded_at, l.status, l.reason,
    sk.brand_key AS supplier_key, lk.brand_key AS licensee_key, lk.brand_base AS licensee_base,
    mk.model_key, mk.name_key AS model_name_key
FROM flagged f
JOIN audit_claims c USING (claim_id)
LEFT JOIN panel_ledger l ON l.file_id = f.file_id AND l.line = f.line
LEFT JOIN name_keys lk ON lk.name = l.licensee
LEFT JOIN name_keys mk ON mk.name = l.model_number
LEFT JOIN name_keys sk ON sk.name = l.supplier_name;

DROP TABLE panel_chosen;
DROP TABLE panel_authorised;

-- name: InverterMatches
-- The same for inverter serials, by manufacturer; no supplier to judge.
CREATE OR REPLACE TEMP TABLE inverter_chosen AS
WITH claimed AS (
    SELECT DISTINCT s.claim_id, s.serial_norm, c.inverter_manufacturer_key, c.inverter_model_key
    FROM audit_serials s JOIN audit_claims c USING (claim_id)
    WHERE s.component = 'inverter'
)
SELECT c.claim_id, c.serial_norm, c.inverter_manufacturer_key, c.inverter_model_key,
    arg_max({file_id: l.file_id, line: l.line, manufacturer_key: k.brand_key, model_number: l.model_number, status: l.status},
            {own_brand: k.brand_key = c.inverter_manufacturer_key, uploaded_at: l.uploaded_at, key_rank: k.key_rank,
             file_id: l.file_id, line: l.line}) AS e
FROM claimed c
LEFT JOIN inverter_ledger l USING (serial_norm)
LEFT JOIN brand_ranks k ON k.name = l.manufacturer
GROUP BY c.claim_id, c.serial_norm, c.inverter_manufacturer_key, c.inverter_model_key;

CREATE OR REPLACE TEMP TABLE inverter_matches AS
WITH flagged AS (
    SELECT ch.claim_id, ch.serial_norm, ch.e.file_id AS file_id, ch.e.line AS line
    FROM inverter_chosen ch
    LEFT JOIN name_keys mk ON mk.name = ch.e.model_number
    WHERE ch.e.file_id IS NULL
       OR ch.e.status = 'invalid'
       OR ch.e.manufacturer_key <> ch.inverter_manufacturer_key OR mk.model_key <> ch.inverter_model_key
)
SELECT f.claim_id, f.serial_norm,
    c.inverter_manufacturer, c.inverter_manufacturer_norm, c.inverter_model, c.inverter_model_norm,
    c.inverter_manufacturer_key, c.inverter_manufacturer_base, c.inverter_model_key, c.inverter_model_name_key,
    l.file_id AS ledger_file_id, l.manufacturer, l.manufacturer_norm,
    l.model_number, l.model_norm, l.uploaded_at, l.status, l.reason,
    bk.brand_key AS manufacturer_key, bk.brand_base AS manufacturer_base,
    mk.model_key, mk.name_key AS model_name_key
FROM flagged f
JOIN audit_claims c USING (claim_id)
LEFT JOIN inverter_ledger l ON l.file_id = f.file_id AND l.line = f.line
LEFT JOIN name_keys bk ON bk.name = l.manufacturer
LEFT JOIN name_keys mk ON mk.name = l.model_number;

DROP TABLE inverter_chosen;
DROP TABLE brand_ranks;
