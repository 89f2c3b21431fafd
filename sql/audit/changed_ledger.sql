-- name: ChangedByLedger
-- Claims listing a serial that got a new ledger entry since the previous run:
-- an upload or a status update, under any brand (the match prefers an entry of
-- the claim's brand and falls back to any other). An entry that does not
-- become current (an earlier uploaded_at than the current one) re-audits its
-- claims for nothing, which is harmless; missing one would not be.
INSERT INTO changed_claims
WITH new_serials AS (
    SELECT DISTINCT 'panel' AS component, serial_norm
    FROM panel_ledger
    WHERE file_id > (SELECT since_file_id FROM scope_params)
    UNION
    SELECT DISTINCT 'inverter' AS component, serial_norm
    FROM inverter_ledger
    WHERE file_id > (SELECT since_file_id FROM scope_params)
)
SELECT DISTINCT s.claim_id, 'ledger' AS trigger
FROM claim_serials_current s
SEMI JOIN new_serials USING (component, serial_norm);
