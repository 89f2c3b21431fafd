-- name: panel.not_approved (error)
-- The claim's panel (brand, model; by brand and model key, so the CEC's
-- `Jinko Solar Co Ltd` `JKM440N-54HL4R-V (IEC 61215-2021)` is the claim's
-- `Jinko` `JKM440N-54HL4R-V`) has no CEC approval window covering the
-- installation date. CEC lists are cumulative: every window ever loaded counts.
-- The detail lists the windows found, and how their names matched.
WITH failed AS (
    SELECT c.claim_id, c.installed_on, c.panel_brand, c.panel_model, c.panel_brand_id, c.panel_model_id
    FROM audit_claims c
    WHERE NOT EXISTS (
        SELECT 1 FROM audit_cec_modules m
        WHERE m.licensee_id = c.panel_brand_id AND m.model_id = c.panel_model_id
          AND c.installed_on BETWEEN m.approved_on AND m.expires_on)
), found AS (
    SELECT f.claim_id,
        list(DISTINCT strftime(m.approved_on, '%Y-%m-%d') || ' to ' || strftime(m.expires_on, '%Y-%m-%d')) AS windows,
        list(brand_note(cb, lb)) AS brand_notes,
        list(model_note(cm, lm)) AS model_notes
    FROM failed f
    JOIN audit_cec_modules m ON m.licensee_id = f.panel_brand_id AND m.model_id = f.panel_model_id
    JOIN name_keys cb ON cb.name = f.panel_brand
    JOIN name_keys lb ON lb.name = m.licensee
    JOIN name_keys cm ON cm.name = f.panel_model
    JOIN name_keys lm ON lm.name = m.model_number
    GROUP BY f.claim_id
)
SELECT f.claim_id, 'panel' AS component, '' AS serial_number,
    'panel.not_approved' AS rule, 'error' AS severity,
    f.panel_brand || ' ' || f.panel_model || ' has no CEC approval covering ' || strftime(f.installed_on, '%Y-%m-%d') ||
        coalesce('; approved ' || array_to_string(list_sort(w.windows), ', ') || matched_note(w.brand_notes, w.model_notes),
            '; not on the CEC module list') AS detail
FROM failed f
LEFT JOIN found w USING (claim_id);
