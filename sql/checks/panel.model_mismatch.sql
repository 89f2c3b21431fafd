-- name: panel.model_mismatch (error)
-- The serial is in the ledger, but under another licensee or model than the
-- claim's, compared by brand and model key. (An entry under the claim's brand
-- is preferred when one exists.) A brand alias or certification suffix that
-- made one side match is named.
SELECT claim_id, 'panel' AS component, serial_norm AS serial_number,
    'panel.model_mismatch' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is in the ledger under ' || licensee || ' model ' || model_number ||
        '; the claim says ' || panel_brand || ' model ' || panel_model ||
        matched_note(
            [brand_note(panel_brand, panel_brand_key, panel_brand_base, licensee, licensee_key, licensee_base)],
            [model_note(panel_model, panel_model_key, panel_model_name_key, model_number, model_key, model_name_key)]) AS detail
FROM panel_matches
WHERE ledger_file_id IS NOT NULL
  AND (licensee_key <> panel_brand_key OR model_key <> panel_model_key);
