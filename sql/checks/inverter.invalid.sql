-- name: inverter.invalid (error)
-- The matched ledger entry's current status is invalid.
SELECT claim_id, 'inverter' AS component, serial_norm AS serial_number,
    'inverter.invalid' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is marked invalid in the ledger (' || manufacturer || ', ' ||
        strftime(uploaded_at, '%Y-%m-%d') || ')' || coalesce(': ' || reason, '') ||
        matched_note([brand_note(inverter_manufacturer, inverter_manufacturer_key, inverter_manufacturer_base,
            manufacturer, manufacturer_key, manufacturer_base)], []) AS detail
FROM inverter_matches
WHERE status = 'invalid';
