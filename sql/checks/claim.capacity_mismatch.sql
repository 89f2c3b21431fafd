-- name: claim.capacity_mismatch (warning)
-- rated_output_kw differs by more than 1 % from panel_count × the module's
-- rated_power_w / 1000. Any CEC row for the (brand, model) counts, approved at
-- installation or not; skipped where no row for the model has a wattage.
-- Compared exactly: |kW × 1000 − n × W| × 100 > n × W.
WITH watts AS (
    SELECT licensee_norm, model_norm, list(DISTINCT rated_power_w ORDER BY rated_power_w) AS watts
    FROM cec_modules WHERE rated_power_w IS NOT NULL
    GROUP BY licensee_norm, model_norm
), judged AS (
    SELECT c.claim_id, c.rated_output_kw, c.panel_count, w.watts,
        (SELECT bool_or(abs(c.rated_output_kw * 1000 - c.panel_count * x.w) * 100 <= c.panel_count * x.w)
         FROM (SELECT unnest(w.watts) AS w) x) AS fits
    FROM audit_claims c
    JOIN watts w ON w.licensee_norm = c.panel_brand_norm AND w.model_norm = c.panel_model_norm
)
SELECT claim_id, 'claim' AS component, '' AS serial_number,
    'claim.capacity_mismatch' AS rule, 'warning' AS severity,
    'rated output ' || rated_output_kw || ' kW; ' || panel_count || ' panels × ' || (watts[1])::DECIMAL(10, 1) || ' W = ' ||
        (panel_count * watts[1] / 1000)::DECIMAL(12, 3) || ' kW, more than 1 % apart' AS detail
FROM judged
WHERE NOT fits;
