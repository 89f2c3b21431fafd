-- name: ReportClaimsRun
-- The claim row of each claim of report_scope (scope_run.sql: the version
-- audited; a claim_id is at most once in a file), without the serial lists as
-- written. The run's sheets, files and summary read these few rows
-- (report_claims), not the claims table, which holds every version of every
-- claim ever loaded: each row is picked on its two keys, then fetched once by
-- row id. (On the connection of the run being published, run_claims.sql
-- takes the same rows from the run's own audit_claims instead.)
CREATE OR REPLACE TEMP TABLE report_claims AS
SELECT c.* EXCLUDE (panel_serials, inverter_serials)
FROM claims c
WHERE c.rowid IN (
    SELECT k.rowid FROM claims k SEMI JOIN report_scope USING (claim_id, file_id));
