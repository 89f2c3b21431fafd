-- name: inverter.model_mismatch (error)
-- The serial is in the ledger under another manufacturer or model than the
-- claim's, compared by brand and model key. A brand alias or certification
-- suffix that made one side match is named.
SELECT claim_id, 'inverter' AS component, serial_norm AS serial_number,
    'inverter.model_mismatch' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is in the ledger under ' || manufacturer || ' model ' || model_number ||
        '; the claim says ' || inverter_manufacturer || ' model ' || inverter_model ||
        matched_note(
            [brand_note(inverter_manufacturer, inverter_manufacturer_key, inverter_manufacturer_base, manufacturer, manufacturer_key, manufacturer_base)],
            [model_note(inverter_model, inverter_model_key, inverter_model_name_key, model_number, model_key, model_name_key)]) AS detail
FROM inverter_matches
WHERE ledger_file_id IS NOT NULL
  AND (manufacturer_key <> inverter_manufacturer_key OR model_key <> inverter_model_key);
