-- name: ChangedByCEC
-- Claims whose panel or inverter model got new CEC rows since the previous
-- run (panel.not_approved, inverter.not_approved, claim.capacity_mismatch).
-- Models are compared by model key (name_keys, as the checks compare them);
-- the brand is not compared at all, so no alias can hide a claim. A row counts
-- as new only when no earlier file held the same row (every column but file
-- and line): the CEC re-publishes its whole list, and a re-sent row adds no
-- approval window and no wattage.
INSERT INTO changed_claims
WITH new_modules AS (
    SELECT * EXCLUDE (file_id, line) FROM cec_modules
    WHERE file_id > (SELECT since_file_id FROM scope_params)
    EXCEPT
    SELECT * EXCLUDE (file_id, line) FROM cec_modules
    WHERE file_id <= (SELECT since_file_id FROM scope_params)
), new_inverters AS (
    SELECT * EXCLUDE (file_id, line) FROM cec_inverters
    WHERE file_id > (SELECT since_file_id FROM scope_params)
    EXCEPT
    SELECT * EXCLUDE (file_id, line) FROM cec_inverters
    WHERE file_id <= (SELECT since_file_id FROM scope_params)
), module_keys AS (
    SELECT DISTINCT k.model_key
    FROM (SELECT DISTINCT model_number FROM new_modules) m
    JOIN name_keys k ON k.name = m.model_number
), inverter_keys AS (
    SELECT DISTINCT k.model_key
    FROM (SELECT DISTINCT model_number FROM new_inverters) m
    JOIN name_keys k ON k.name = m.model_number
)
SELECT c.claim_id, 'cec' AS trigger
FROM claims_current c
JOIN name_keys k ON k.name = c.panel_model
SEMI JOIN module_keys USING (model_key)
UNION
SELECT c.claim_id, 'cec' AS trigger
FROM claims_current c
JOIN name_keys k ON k.name = c.inverter_model
SEMI JOIN inverter_keys USING (model_key);
