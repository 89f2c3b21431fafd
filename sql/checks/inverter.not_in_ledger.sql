-- name: inverter.not_in_ledger (error)
-- A claimed inverter serial is in no inverter-ledger entry, under any manufacturer.
-- When this fires, no other ledger check fires for the serial. The detail
-- begins with what the serial most likely is (sql/audit/triage.sql); the
-- inverter ledger has no supplier, so a range names the manufacturer.
SELECT m.claim_id, 'inverter' AS component, m.serial_norm AS serial_number,
    'inverter.not_in_ledger' AS rule, 'error' AS severity,
    CASE WHEN t.typo_of IS NOT NULL THEN 'likely typo of ' || t.typo_of
         WHEN t.range_from IS NOT NULL THEN 'inside uploaded range ' || t.range_from || '..' || t.range_to ||
             ' of ' || c.inverter_manufacturer
         ELSE 'no similar serial of ' || c.inverter_manufacturer || ' in the ledger' END ||
        '; serial ' || m.serial_norm || ' is in no inverter-ledger entry' AS detail
FROM inverter_matches m
JOIN audit_claims c USING (claim_id)
LEFT JOIN serial_triage t
    ON t.component = 'inverter' AND t.brand_key = c.inverter_manufacturer_key AND t.serial_norm = m.serial_norm
WHERE m.ledger_file_id IS NULL;
