-- name: AuditClaims
-- The claims in scope with their STC arithmetic: what every claim check reads.
CREATE OR REPLACE TEMP TABLE audit_claims AS
SELECT c.*, s.* EXCLUDE (key)
FROM claims_current c
JOIN audit_scope USING (claim_id, file_id)
JOIN stc_result s ON s.key = c.claim_id;

-- name: AuditSerials
-- Every serial the claims in scope list, one row per listing.
CREATE OR REPLACE TEMP TABLE audit_serials AS
SELECT s.claim_id, s.component, s.position, s.serial_number, s.serial_norm
FROM claim_serials s JOIN audit_scope USING (claim_id, file_id);
