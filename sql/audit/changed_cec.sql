-- name: ChangedByCEC
-- Claims whose panel or inverter model got new CEC rows since the previous
-- run (panel.not_approved, inverter.not_approved, claim.capacity_mismatch).
-- Models are compared by model key (name_keys, as the checks compare them);
-- the brand is not compared at all, so no alias can hide a claim. A row counts
-- as new only when no earlier file held the same row (every column but file
-- and line): the CEC re-publishes its whole list, and a re-sent row adds no
-- approval window and no wattage. Runs only when a CEC file is new.
INSERT INTO changed_claims
WITH new_modules AS (
    SELECT * EXCLUDE (file_id, line) FROM cec_modules
    WHERE file_id > getvariable('audit_since_file_id')
    EXCEPT
    SELECT * EXCLUDE (file_id, line) FROM cec_modules
    WHERE file_id <= getvariable('audit_since_file_id')
), new_inverters AS (
    SELECT * EXCLUDE (file_id, line) FROM cec_inverters
    WHERE file_id > getvariable('audit_since_file_id')
    EXCEPT
    SELECT * EXCLUDE (file_id, line) FROM cec_inverters
    WHERE file_id <= getvariable('audit_since_file_id')
), module_names AS (
    -- every model name, as written anywhere, with the model key of a new module row
    SELECT n.name FROM name_keys n
    WHERE n.model_key IN (SELECT k.model_key FROM new_modules m JOIN name_keys k ON k.name = m.model_number)
), inverter_names AS (
    SELECT n.name FROM name_keys n
    WHERE n.model_key IN (SELECT k.model_key FROM new_inverters m JOIN name_keys k ON k.name = m.model_number)
), hits AS (
    SELECT claim_id, file_id FROM claims WHERE panel_model IN (SELECT name FROM module_names)
    UNION
    SELECT claim_id, file_id FROM claims WHERE inverter_model IN (SELECT name FROM inverter_names)
), latest AS (
    -- the current version of just those claims
    SELECT claim_id, max(file_id) AS file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM hits)
    GROUP BY claim_id
)
SELECT DISTINCT claim_id, 'cec' AS trigger
FROM hits JOIN latest USING (claim_id, file_id);
