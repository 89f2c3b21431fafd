-- name: inverter.model_mismatch (error)
-- The serial is in the ledger under another manufacturer or model than the claim's.
SELECT claim_id, 'inverter' AS component, serial_norm AS serial_number,
    'inverter.model_mismatch' AS rule, 'error' AS severity,
    'serial ' || serial_norm || ' is in the ledger under ' || manufacturer || ' model ' || model_number ||
        '; the claim says ' || inverter_manufacturer || ' model ' || inverter_model AS detail
FROM inverter_matches
WHERE ledger_file_id IS NOT NULL
  AND (manufacturer_norm <> inverter_manufacturer_norm OR model_norm <> inverter_model_norm);
