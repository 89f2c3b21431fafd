-- name: ReportRunClaims
-- report_claims (scope_run_claims.sql: the claim row of each claim of
-- report_scope, the version audited) for the audit run being published, from
-- the run's own claim rows: the temp table audit_claims of
-- sql/audit/claims.sql, still on the run's connection while its files are
-- written. It holds exactly the claims the run recorded a result for (one
-- row per claim, the version audited), every column of the claims table but
-- the serial lists as written, then the run's STC figures and name keys,
-- which the reports do not read (they name every column they read). Picking
-- the same rows out of the claims table again would read the keys of every
-- version of every claim ever loaded.
CREATE OR REPLACE TEMP TABLE report_claims AS
SELECT * FROM audit_claims;
