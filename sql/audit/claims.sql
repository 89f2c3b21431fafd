-- name: AuditClaims
-- The claims in scope with their STC arithmetic and the keys of their names
-- (data contract §3, Matching names): what every claim check reads. *_key is
-- a brand or model key, *_id its number in name_keys.
CREATE OR REPLACE TEMP TABLE audit_claims AS
SELECT c.*, s.* EXCLUDE (key),
    pb.brand_key AS panel_brand_key, pb.brand_id AS panel_brand_id,
    pm.model_key AS panel_model_key, pm.model_id AS panel_model_id,
    ib.brand_key AS inverter_manufacturer_key, ib.brand_id AS inverter_manufacturer_id,
    im.model_key AS inverter_model_key, im.model_id AS inverter_model_id
FROM claims_current c
JOIN audit_scope USING (claim_id, file_id)
JOIN stc_result s ON s.key = c.claim_id
JOIN name_keys pb ON pb.name = c.panel_brand
JOIN name_keys pm ON pm.name = c.panel_model
JOIN name_keys ib ON ib.name = c.inverter_manufacturer
JOIN name_keys im ON im.name = c.inverter_model;

-- name: AuditSerials
-- Every serial the claims in scope list, one row per listing.
CREATE OR REPLACE TEMP TABLE audit_serials AS
SELECT s.claim_id, s.component, s.position, s.serial_number, s.serial_norm
FROM claim_serials s JOIN audit_scope USING (claim_id, file_id);
