-- name: inverter.invalid (error)
-- The matched ledger entry's current status is invalid.
SELECT claim_id, 'inverter' AS component, serial_norm AS serial_number,
    'inverter.invalid' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is marked invalid in the ledger (' || manufacturer || ', ' ||
        strftime(uploaded_at, '%Y-%m-%d') || ')' || coalesce(': ' || reason, '') AS detail
FROM inverter_matches
WHERE status = 'invalid';
