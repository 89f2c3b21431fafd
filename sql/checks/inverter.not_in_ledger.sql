-- name: inverter.not_in_ledger (error)
-- A claimed inverter serial is in no inverter-ledger entry, under any manufacturer.
-- When this fires, no other ledger check fires for the serial.
SELECT claim_id, 'inverter' AS component, serial_norm AS serial_number,
    'inverter.not_in_ledger' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is in no inverter-ledger entry' AS detail
FROM inverter_matches
WHERE ledger_file_id IS NULL;
