-- name: AuditClaims
-- The claims in scope with their STC arithmetic and the keys of their names
-- (data contract §3, Matching names): what every claim check reads. *_key is
-- a brand or model key, *_id its number in name_keys. audit_scope names each
-- claim's current version (claim_id, file_id); its row is the last line of
-- that file for the claim, as claims_current picks it. Its row id is picked
-- on the two keys first, which spares a window over whole claim rows; the
-- names are keyed on narrow rows (row id and the four names: DuckDB builds
-- the hash tables of these joins on the claims side), and the whole row is
-- fetched once, by row id. The serial lists as written are left out
-- (claim_serials holds them split).
CREATE OR REPLACE TEMP TABLE audit_claims AS
WITH current AS (
    SELECT arg_max(c.rowid, c.line) AS claim_row
    FROM claims c JOIN audit_scope USING (claim_id, file_id)
    GROUP BY claim_id, file_id
), keyed AS (
    SELECT current.claim_row,
        pb.brand_key AS panel_brand_key, pb.brand_id AS panel_brand_id,
        pm.model_key AS panel_model_key, pm.model_id AS panel_model_id,
        ib.brand_key AS inverter_manufacturer_key, ib.brand_id AS inverter_manufacturer_id,
        im.model_key AS inverter_model_key, im.model_id AS inverter_model_id
    FROM current
    JOIN claims c ON c.rowid = current.claim_row
    JOIN name_keys pb ON pb.name = c.panel_brand
    JOIN name_keys pm ON pm.name = c.panel_model
    JOIN name_keys ib ON ib.name = c.inverter_manufacturer
    JOIN name_keys im ON im.name = c.inverter_model
)
SELECT c.* EXCLUDE (panel_serials, inverter_serials), s.* EXCLUDE (key), k.* EXCLUDE (claim_row)
FROM keyed k
JOIN claims c ON c.rowid = k.claim_row
JOIN stc_result s ON s.key = c.claim_id;

-- name: AuditSerials
-- Every serial the claims in scope list, one row per listing: those of the
-- claim versions of files after audit_serials_above (0: every one). A
-- nightly run that re-audits few older versions sets it to the previous
-- run's mark: claim_serials is stored in file order, so the filter skips the
-- row groups of every older file, and pipeline/audit then adds the listings
-- of each older version with sql/audit/older_serials.sql.
CREATE OR REPLACE TEMP TABLE audit_serials AS
SELECT s.claim_id, s.component, s.serial_norm
FROM claim_serials s JOIN audit_scope USING (claim_id, file_id)
WHERE s.file_id > getvariable('audit_serials_above');
