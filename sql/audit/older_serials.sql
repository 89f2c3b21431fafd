-- name: OlderSerials
-- The listings of one older claim version a nightly run re-audits (see
-- AuditSerials in claims.sql): its file and claim id are the parameters.
-- pipeline/audit (lookUp) joins this SELECT with UNION ALL, once per older
-- version, up to lookupBatch a statement, and inserts the rows into
-- audit_serials. DuckDB binds the parameters before it plans, so both filters
-- reach the scan of claim_serials, which is stored in file order and, within
-- a file's batch of half a million listings (nearly every file is one), by
-- claim_id (sql/load/claims.sql): each SELECT reads the one or two row groups
-- of a batch whose ranges hold its claim, not the listings of every claim.
SELECT claim_id, component, serial_norm
FROM claim_serials
WHERE file_id = ? AND claim_id = ?
