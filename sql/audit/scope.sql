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
         ELSE 'all' END AS reason
FROM claims_current c
LEFT JOIN audited a USING (claim_id, file_id)
LEFT JOIN seen s USING (claim_id)
WHERE getvariable('audit_all_claims');

-- name: NightlyScope
-- The nightly run: the claims with a version loaded since the previous run,
-- and those in changed_claims. Every current version with an older file was
-- audited by the previous run or before it (a file committed below its mark
-- makes this run audit every claim), so just these claims' versions and
-- results are looked up, never the current version of every claim.
INSERT INTO audit_scope
WITH candidates AS (
    SELECT claim_id FROM claims WHERE file_id > getvariable('audit_since_file_id')
    UNION
    SELECT claim_id FROM changed_claims
), current AS (
    SELECT claim_id, file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM candidates)
    QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY file_id DESC, line DESC) = 1
), results AS (
    SELECT claim_id, file_id
    FROM claim_results
    WHERE claim_id IN (SELECT claim_id FROM candidates)
), audited AS (
    SELECT DISTINCT claim_id, file_id FROM results
), seen AS (
    SELECT DISTINCT claim_id FROM results
)
SELECT c.claim_id, c.file_id,
    CASE WHEN a.claim_id IS NULL AND s.claim_id IS NULL THEN 'new'
         WHEN a.claim_id IS NULL THEN 'amended'
         ELSE 'inputs' END AS reason
FROM current c
LEFT JOIN audited a USING (claim_id, file_id)
LEFT JOIN seen s USING (claim_id)
WHERE NOT getvariable('audit_all_claims')
  AND (a.claim_id IS NULL OR c.claim_id IN (SELECT claim_id FROM changed_claims));

-- name: AuditInput
-- The STC arithmetic runs on the claims in scope. (claim_id, file_id) is one
-- claims row: a claim_id appears at most once in a file.
CREATE OR REPLACE TEMP TABLE stc_input AS
SELECT c.claim_id AS key, c.postcode, c.rated_output_kw, c.installed_on, c.deeming_years
FROM claims c JOIN audit_scope USING (claim_id, file_id);
