-- name: panel.not_approved (error)
-- The claim's panel (brand, model; by brand and model key, so the CEC's
-- `Jinko Solar Co Ltd` `JKM440N-54HL4R-V (IEC 61215-2021)` is the claim's
-- `Jinko` `JKM440N-54HL4R-V`) has no CEC approval window covering the
-- installation date. CEC lists are cumulative: every window ever loaded counts.
-- The detail lists the windows found, and how their names matched.
WITH product AS (
    SELECT c.claim_id, c.installed_on, c.panel_brand, c.panel_model,
        count(m.approved_on) AS seen,
        bool_or(c.installed_on BETWEEN m.approved_on AND m.expires_on) AS covered,
        list(DISTINCT strftime(m.approved_on, '%Y-%m-%d') || ' to ' || strftime(m.expires_on, '%Y-%m-%d')) AS windows,
        list(brand_note(c.panel_brand, c.panel_brand_key, c.panel_brand_base, m.licensee, m.licensee_key, m.licensee_base)) AS brand_notes,
        list(model_note(c.panel_model, c.panel_model_key, c.panel_model_name_key, m.model_number, m.model_key, m.model_name_key)) AS model_notes
    FROM audit_claims c
    LEFT JOIN audit_cec_modules m ON m.licensee_key = c.panel_brand_key AND m.model_key = c.panel_model_key
    GROUP BY ALL
)
SELECT claim_id, 'panel' AS component, '' AS serial_number,
    'panel.not_approved' AS rule, 'error' AS severity,
    panel_brand || ' ' || panel_model || ' has no CEC approval covering ' || strftime(installed_on, '%Y-%m-%d') ||
        CASE WHEN seen > 0 THEN '; approved ' || array_to_string(list_sort(windows), ', ') || matched_note(brand_notes, model_notes)
             ELSE '; not on the CEC module list' END AS detail
FROM product
WHERE NOT coalesce(covered, false);
