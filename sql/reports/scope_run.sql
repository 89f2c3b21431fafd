-- name: ReportScopeRun
-- The claims an audit run audited ($1 = run id), with the claim version and the
-- run whose verdict the report shows.
CREATE OR REPLACE TEMP TABLE report_scope AS
SELECT r.run_id, r.claim_id, r.file_id, r.status, r.errors, r.warnings,
    r.stcs_claimed, r.stcs_computed, r.stcs_at_risk
FROM claim_results r
WHERE r.run_id = ?;

-- name: ReportClaimsRun
-- The claim row of each claim of report_scope (the version audited; a
-- claim_id is at most once in a file), without the serial lists as written.
-- The run's sheets, files and summary read these few rows (report_claims),
-- not the claims table, which holds every version of every claim ever
-- loaded: each row is picked on its two keys, then fetched once by row id.
CREATE OR REPLACE TEMP TABLE report_claims AS
SELECT c.* EXCLUDE (panel_serials, inverter_serials)
FROM claims c
WHERE c.rowid IN (
    SELECT k.rowid FROM claims k SEMI JOIN report_scope USING (claim_id, file_id));
