-- name: inverter.not_approved (error)
-- The claim's inverter (manufacturer, model; series is not compared; by brand
-- and model key, so the CEC's `Fronius Australia Pty Ltd` `Primo 5.0-1
-- (AS4777-2 2020)` is the claim's `Fronius` `Primo 5.0-1`) has no CEC approval
-- window covering the installation date. CEC lists are cumulative: every
-- window ever loaded counts. The detail lists the windows found, and how their
-- names matched.
WITH failed AS (
    SELECT c.claim_id, c.installed_on, c.inverter_manufacturer, c.inverter_model,
        c.inverter_manufacturer_id, c.inverter_model_id
    FROM audit_claims c
    WHERE NOT EXISTS (
        SELECT 1 FROM audit_cec_inverters m
        WHERE m.manufacturer_id = c.inverter_manufacturer_id AND m.model_id = c.inverter_model_id
          AND c.installed_on BETWEEN m.approved_on AND m.expires_on)
), found AS (
    SELECT f.claim_id,
        list(DISTINCT strftime(m.approved_on, '%Y-%m-%d') || ' to ' || strftime(m.expires_on, '%Y-%m-%d')) AS windows,
        list(brand_note(cb, lb)) AS brand_notes,
        list(model_note(cm, lm)) AS model_notes
    FROM failed f
    JOIN audit_cec_inverters m ON m.manufacturer_id = f.inverter_manufacturer_id AND m.model_id = f.inverter_model_id
    JOIN name_keys cb ON cb.name = f.inverter_manufacturer
    JOIN name_keys lb ON lb.name = m.manufacturer
    JOIN name_keys cm ON cm.name = f.inverter_model
    JOIN name_keys lm ON lm.name = m.model_number
    GROUP BY f.claim_id
)
SELECT f.claim_id, 'inverter' AS component, '' AS serial_number,
    'inverter.not_approved' AS rule, 'error' AS severity,
    f.inverter_manufacturer || ' ' || f.inverter_model || ' has no CEC approval covering ' || strftime(f.installed_on, '%Y-%m-%d') ||
        coalesce('; approved ' || array_to_string(list_sort(w.windows), ', ') || matched_note(w.brand_notes, w.model_notes),
            '; not on the CEC inverter list') AS detail
FROM failed f
LEFT JOIN found w USING (claim_id);
