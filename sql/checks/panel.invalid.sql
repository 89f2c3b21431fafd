-- name: panel.invalid (error)
-- The matched ledger entry's current status is invalid.
SELECT claim_id, 'panel' AS component, serial_norm AS serial_number,
    'panel.invalid' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is marked invalid in the ledger (' || licensee || ', ' ||
        strftime(uploaded_at, '%Y-%m-%d') || ')' || coalesce(': ' || reason, '') ||
        matched_note([brand_note(panel_brand, panel_brand_key, panel_brand_base, licensee, licensee_key, licensee_base)], []) AS detail
FROM panel_matches
WHERE status = 'invalid';
