-- name: panel.not_approved (error)
-- The claim's panel (brand, model) has no CEC approval window covering the
-- installation date. CEC lists are cumulative: every window ever loaded counts.
SELECT c.claim_id, 'panel' AS component, '' AS serial_number,
    'panel.not_approved' AS rule, 'error' AS severity,
    c.panel_brand || ' ' || c.panel_model || ' has no CEC approval covering ' || strftime(c.installed_on, '%Y-%m-%d') ||
        coalesce((
            SELECT '; approved ' || string_agg(strftime(m.approved_on, '%Y-%m-%d') || ' to ' || strftime(m.expires_on, '%Y-%m-%d'), ', '
                ORDER BY m.approved_on, m.expires_on)
            FROM (SELECT DISTINCT approved_on, expires_on FROM cec_modules m
                  WHERE m.licensee_norm = c.panel_brand_norm AND m.model_norm = c.panel_model_norm) m),
            '; not on the CEC module list') AS detail
FROM audit_claims c
WHERE NOT EXISTS (
    SELECT 1 FROM cec_modules m
    WHERE m.licensee_norm = c.panel_brand_norm
      AND m.model_norm = c.panel_model_norm
      AND c.installed_on BETWEEN m.approved_on AND m.expires_on);
