-- name: panel.not_in_ledger (error)
-- A claimed panel serial is in no panel-ledger entry, under any licensee.
-- When this fires, no other ledger check fires for the serial.
SELECT claim_id, 'panel' AS component, serial_norm AS serial_number,
    'panel.not_in_ledger' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is in no panel-ledger entry' AS detail
FROM panel_matches
WHERE ledger_file_id IS NULL;
