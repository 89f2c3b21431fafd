-- name: AuditScope
-- The claims an audit run looks at, and why: every current claim when
-- scope_params.all_claims is set ('all'); else the current versions no earlier
-- run has audited ('new' claims, 'amended' ones) and the claims whose inputs
-- changed since the previous run ('inputs', from changed_claims).
CREATE OR REPLACE TEMP TABLE audit_scope AS
WITH audited AS (
    SELECT DISTINCT claim_id, file_id FROM claim_results
), seen AS (
    SELECT DISTINCT claim_id FROM claim_results
)
SELECT c.claim_id, c.file_id,
    CASE WHEN a.claim_id IS NULL AND s.claim_id IS NULL THEN 'new'
         WHEN a.claim_id IS NULL THEN 'amended'
         WHEN p.all_claims THEN 'all'
         ELSE 'inputs' END AS reason
FROM claims_current c
CROSS JOIN scope_params p
LEFT JOIN audited a USING (claim_id, file_id)
LEFT JOIN seen s USING (claim_id)
WHERE p.all_claims
   OR a.claim_id IS NULL
   OR c.claim_id IN (SELECT claim_id FROM changed_claims);

-- name: AuditInput
-- The STC arithmetic runs on the claims in scope.
CREATE OR REPLACE TEMP TABLE stc_input AS
SELECT c.claim_id AS key, c.postcode, c.rated_output_kw, c.installed_on, c.deeming_years
FROM claims_current c JOIN audit_scope USING (claim_id, file_id);
