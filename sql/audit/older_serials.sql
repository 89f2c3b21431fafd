-- name: OlderSerials
-- The listings of one older claim version a nightly run re-audits
-- (audit_older_claim in audit_older_file; see AuditSerials in claims.sql).
-- getvariable() is a constant when the statement is planned, so both filters
-- reach the scan of claim_serials, which is stored in file order and, within
-- a file, by claim_id (sql/load/claims.sql): the scan reads the one or two
-- row groups whose ranges hold the claim, not the listings of every claim.
INSERT INTO audit_serials
SELECT claim_id, component, serial_norm
FROM claim_serials
WHERE file_id = getvariable('audit_older_file') AND claim_id = getvariable('audit_older_claim');
