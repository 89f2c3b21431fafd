-- name: AuditScope
-- The claims an audit run looks at: every current claim with --all, else the
-- current claim versions no earlier run has audited (new claims and amendments).
-- $1 is true for --all.
CREATE OR REPLACE TEMP TABLE audit_scope AS
SELECT c.claim_id, c.file_id
FROM claims_current c
WHERE ?::BOOLEAN
   OR NOT EXISTS (SELECT 1 FROM claim_results r WHERE r.claim_id = c.claim_id AND r.file_id = c.file_id);

-- name: AuditInput
-- The STC arithmetic runs on the claims in scope.
CREATE OR REPLACE TEMP TABLE stc_input AS
SELECT c.claim_id AS key, c.postcode, c.rated_output_kw, c.installed_on, c.deeming_years
FROM claims_current c JOIN audit_scope USING (claim_id, file_id);
