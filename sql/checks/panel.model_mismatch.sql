-- name: panel.model_mismatch (error)
-- The serial is in the ledger, but under another licensee or model than the
-- claim's. (An entry under the claim's brand is preferred when one exists.)
SELECT claim_id, 'panel' AS component, serial_norm AS serial_number,
    'panel.model_mismatch' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is in the ledger under ' || licensee || ' model ' || model_number ||
        '; the claim says ' || panel_brand || ' model ' || panel_model AS detail
FROM panel_matches
WHERE ledger_file_id IS NOT NULL
  AND (licensee_norm <> panel_brand_norm OR model_norm <> panel_model_norm);
