-- name: inverter.invalid (error)
-- The matched ledger entry's current status is invalid.
SELECT m.claim_id, 'inverter' AS component, m.serial_norm AS serial_number,
    'inverter.invalid' AS rule, 'error' AS severity,
    'serial ' || m.serial_norm || ' is marked invalid in the ledger (' || lb.name || ', ' ||
        strftime(m.uploaded_at, '%Y-%m-%d') || ')' || coalesce(': ' || m.reason, '') ||
        matched_note([brand_note(cb, lb)], []) AS detail
FROM inverter_matches m
JOIN audit_claims c USING (claim_id)
JOIN name_keys cb ON cb.name = c.inverter_manufacturer
JOIN name_keys lb ON lb.name_id = m.manufacturer_name_id
WHERE m.status = 'invalid';
