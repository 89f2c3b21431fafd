-- name: inverter.model_mismatch (error)
-- The serial is in the ledger under another manufacturer or model than the
-- claim's, compared by brand and model key. A brand alias or certification
-- suffix that made one side match is named.
SELECT m.claim_id, 'inverter' AS component, m.serial_norm AS serial_number,
    'inverter.model_mismatch' AS rule, 'error' AS severity,
    'serial ' || m.serial_norm || ' is in the ledger under ' || lb.name || ' model ' || lm.name ||
        '; the claim says ' || c.inverter_manufacturer || ' model ' || c.inverter_model ||
        matched_note([brand_note(cb, lb)], [model_note(cm, lm)]) AS detail
FROM inverter_matches m
JOIN audit_claims c USING (claim_id)
JOIN name_keys cb ON cb.name = c.inverter_manufacturer
JOIN name_keys lb ON lb.name_id = m.manufacturer_name_id
JOIN name_keys cm ON cm.name = c.inverter_model
JOIN name_keys lm ON lm.name_id = m.model_name_id
WHERE m.ledger_file_id IS NOT NULL
  AND (m.manufacturer_id <> m.inverter_manufacturer_id OR m.model_id <> m.inverter_model_id);
