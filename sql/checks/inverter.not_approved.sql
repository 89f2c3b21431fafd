-- name: inverter.not_approved (error)
-- The claim's inverter (manufacturer, model; series is not compared) has no CEC
-- approval window covering the installation date.
SELECT c.claim_id, 'inverter' AS component, '' AS serial_number,
    'inverter.not_approved' AS rule, 'error' AS severity,
    c.inverter_manufacturer || ' ' || c.inverter_model || ' has no CEC approval covering ' || strftime(c.installed_on, '%Y-%m-%d') ||
        coalesce((
            SELECT '; approved ' || string_agg(strftime(m.approved_on, '%Y-%m-%d') || ' to ' || strftime(m.expires_on, '%Y-%m-%d'), ', '
                ORDER BY m.approved_on, m.expires_on)
            FROM (SELECT DISTINCT approved_on, expires_on FROM cec_inverters m
                  WHERE m.manufacturer_norm = c.inverter_manufacturer_norm AND m.model_norm = c.inverter_model_norm) m),
            '; not on the CEC inverter list') AS detail
FROM audit_claims c
WHERE NOT EXISTS (
    SELECT 1 FROM cec_inverters m
    WHERE m.manufacturer_norm = c.inverter_manufacturer_norm
      AND m.model_norm = c.inverter_model_norm
      AND c.installed_on BETWEEN m.approved_on AND m.expires_on);
