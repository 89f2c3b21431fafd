-- name: ScopeParams
-- What the run looks at. $1 is true when every current claim is audited
-- (--all, the first run, or the configuration or the checks changed since the
-- previous run); $2 is the newest file the previous run saw (0: no run yet).
-- Files loaded after it are this run's new inputs: files.file_id comes from a
-- sequence and files are never changed or removed.
CREATE OR REPLACE TEMP TABLE scope_params AS
SELECT ?::BOOLEAN AS all_claims, ?::BIGINT AS since_file_id;

-- name: ChangedClaims
-- The claims whose inputs changed since the previous run, one row per reason
-- (filled by sql/audit/changed_*.sql; empty when every claim is audited).
CREATE OR REPLACE TEMP TABLE changed_claims (claim_id VARCHAR, trigger VARCHAR);
