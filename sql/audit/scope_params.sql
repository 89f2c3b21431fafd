-- name: ScopeParams
-- What the run looks at. $1 is true when every current claim is audited
-- (--all, the first run, or the configuration or the checks changed since the
-- previous run); $2 is the newest file the previous run saw (0: no run yet).
-- Files loaded after it are this run's new inputs: files.file_id comes from a
-- sequence and files are never changed or removed.
CREATE OR REPLACE TEMP TABLE scope_params AS
SELECT ?::BOOLEAN AS all_claims, ?::BIGINT AS since_file_id;

-- name: ScopeVariables
-- The same two values as variables of the connection, for the nightly steps:
-- getvariable() is a constant when a statement is planned, so a filter
-- `file_id > getvariable('audit_since_file_id')` is pushed into the table scan
-- and, rows being stored in file order, skips every row group of older files
-- (a subquery would read the file_id of every row of the history).
SET VARIABLE audit_all_claims = (SELECT all_claims FROM scope_params);
SET VARIABLE audit_since_file_id = (SELECT since_file_id FROM scope_params);

-- name: ChangedClaims
-- The claims whose inputs changed since the previous run, one row per reason
-- (filled by sql/audit/changed_*.sql; empty when every claim is audited).
CREATE OR REPLACE TEMP TABLE changed_claims (claim_id VARCHAR, trigger VARCHAR);

-- name: ChangedSerials
-- The serials whose listings or ledger entries changed since the previous run,
-- with the trigger to name (filled by changed_ledger.sql, changed_claims.sql,
-- changed_suppliers.sql); changed_listings.sql turns them into the claims
-- whose current version lists one, in one pass over claim_serials.
CREATE OR REPLACE TEMP TABLE changed_serials (component VARCHAR, serial_norm VARCHAR, trigger VARCHAR);

-- name: ChangedListingRows
-- The current listings of the serials of changed_serials (filled by
-- changed_listings.sql; read by duplicates.sql).
CREATE OR REPLACE TEMP TABLE changed_listing_rows (claim_id VARCHAR, file_id BIGINT, component VARCHAR, serial_norm VARCHAR);
