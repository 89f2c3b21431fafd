-- name: inverter.not_approved (error)
-- The claim's inverter (manufacturer, model; series is not compared; by brand
-- and model key, so the CEC's `Fronius Australia Pty Ltd` `Primo 5.0-1
-- (AS4777-2 2020)` is the claim's `Fronius` `Primo 5.0-1`) has no CEC approval
-- window covering the installation date. CEC lists are cumulative: every window ever loaded counts.
-- The detail lists the windows found, and how their names matched.
WITH product AS (
    SELECT c.claim_id, c.installed_on, c.inverter_manufacturer, c.inverter_model,
        count(m.approved_on) AS seen,
        bool_or(c.installed_on BETWEEN m.approved_on AND m.expires_on) AS covered,
        list(DISTINCT strftime(m.approved_on, '%Y-%m-%d') || ' to ' || strftime(m.expires_on, '%Y-%m-%d')) AS windows,
        list(brand_note(c.inverter_manufacturer, c.inverter_manufacturer_key, c.inverter_manufacturer_base, m.manufacturer, m.manufacturer_key, m.manufacturer_base)) AS brand_notes,
        list(model_note(c.inverter_model, c.inverter_model_key, c.inverter_model_name_key, m.model_number, m.model_key, m.model_name_key)) AS model_notes
    FROM audit_claims c
    LEFT JOIN audit_cec_inverters m ON m.manufacturer_key = c.inverter_manufacturer_key AND m.model_key = c.inverter_model_key
    GROUP BY ALL
)
SELECT claim_id, 'inverter' AS component, '' AS serial_number,
    'inverter.not_approved' AS rule, 'error' AS severity,
    inverter_manufacturer || ' ' || inverter_model || ' has no CEC approval covering ' || strftime(installed_on, '%Y-%m-%d') ||
        CASE WHEN seen > 0 THEN '; approved ' || array_to_string(list_sort(windows), ', ') || matched_note(brand_notes, model_notes)
             ELSE '; not on the CEC inverter list' END AS detail
FROM product
WHERE NOT coalesce(covered, false);
