-- name: ReportScopeCurrent
-- Every claim with a current verdict (claim_results_current), for notices.
CREATE OR REPLACE TEMP TABLE report_scope AS
SELECT r.run_id, r.claim_id, r.file_id, r.status, r.errors, r.warnings,
    r.stcs_claimed, r.stcs_computed, r.stcs_at_risk
FROM claim_results_current r;
