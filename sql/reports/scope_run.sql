-- name: ReportScopeRun
-- The claims an audit run audited ($1 = run id), with the claim version and the
-- run whose verdict the report shows.
CREATE OR REPLACE TEMP TABLE report_scope AS
SELECT r.run_id, r.claim_id, r.file_id, r.status, r.errors, r.warnings,
    r.stcs_claimed, r.stcs_computed, r.stcs_at_risk
FROM claim_results r
WHERE r.run_id = ?;
