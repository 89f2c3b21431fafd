-- name: panel.model_mismatch (error)
-- The serial is in the ledger, but under another licensee or model than the
-- claim's, compared by brand and model key. (An entry under the claim's brand
-- is preferred when one exists.) A brand alias or certification suffix that
-- made one side match is named.
SELECT m.claim_id, 'panel' AS component, m.serial_norm AS serial_number,
    'panel.model_mismatch' AS rule, 'error' AS severity,
    'serial ' || m.serial_norm || ' is in the ledger under ' || lb.name || ' model ' || lm.name ||
        '; the claim says ' || c.panel_brand || ' model ' || c.panel_model ||
        matched_note([brand_note(cb, lb)], [model_note(cm, lm)]) AS detail
FROM panel_matches m
JOIN audit_claims c USING (claim_id)
JOIN name_keys cb ON cb.name = c.panel_brand
JOIN name_keys lb ON lb.name_id = m.licensee_name_id
JOIN name_keys cm ON cm.name = c.panel_model
JOIN name_keys lm ON lm.name_id = m.model_name_id
WHERE m.ledger_file_id IS NOT NULL
  AND (m.licensee_id <> m.panel_brand_id OR m.model_id <> m.panel_model_id);
