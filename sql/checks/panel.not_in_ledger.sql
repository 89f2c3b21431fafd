-- name: panel.not_in_ledger (error)
-- A claimed panel serial is in no panel-ledger entry, under any licensee.
-- When this fires, no other ledger check fires for the serial. The detail
-- begins with what the serial most likely is (sql/audit/triage.sql): a typo
-- of an unclaimed ledger serial, a serial left out of a supplier's upload,
-- or neither.
SELECT m.claim_id, 'panel' AS component, m.serial_norm AS serial_number,
    'panel.not_in_ledger' AS rule, 'error' AS severity,
    CASE WHEN t.typo_of IS NOT NULL THEN 'likely typo of ' || t.typo_of
         WHEN t.range_from IS NOT NULL THEN 'inside uploaded range ' || t.range_from || '..' || t.range_to ||
             ' of ' || t.range_supplier
         ELSE 'no similar serial of ' || c.panel_brand || ' in the ledger' END ||
        '; serial ' || m.serial_norm || ' is in no panel-ledger entry' AS detail
FROM panel_matches m
JOIN audit_claims c USING (claim_id)
LEFT JOIN serial_triage t
    ON t.component = 'panel' AND t.brand_key = c.panel_brand_key AND t.serial_norm = m.serial_norm
WHERE m.ledger_file_id IS NULL;
