-- name: ChangedByLedger
-- Serials that got a new ledger entry since the previous run: an upload or a
-- status update, under any brand (the match prefers an entry of the claim's
-- brand and falls back to any other). The claims whose current version lists
-- one are re-audited (changed_listings.sql). An entry that does not become
-- current (an earlier uploaded_at than the current one) re-audits its claims
-- for nothing, which is harmless; missing one would not be. Only the night's
-- rows are read: the filter on file_id skips the older row groups.
INSERT INTO changed_serials
SELECT DISTINCT 'panel' AS component, serial_norm, 'ledger' AS trigger
FROM panel_ledger
WHERE file_id > getvariable('audit_since_file_id')
UNION
SELECT DISTINCT 'inverter' AS component, serial_norm, 'ledger' AS trigger
FROM inverter_ledger
WHERE file_id > getvariable('audit_since_file_id');
