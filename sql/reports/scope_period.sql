-- name: ReportScopePeriod
-- The claims submitted from $1 to $2 (both days included), each with its
-- current verdict (claim_results_current). A claim whose current version no
-- run has audited yet has no verdict and is left out (the summary counts them).
CREATE OR REPLACE TEMP TABLE report_scope AS
SELECT r.run_id, r.claim_id, r.file_id, r.status, r.errors, r.warnings,
    r.stcs_claimed, r.stcs_computed, r.stcs_at_risk
FROM claim_results_current r
JOIN claims c USING (claim_id, file_id)
WHERE c.submitted_on BETWEEN ?::DATE AND ?::DATE;
