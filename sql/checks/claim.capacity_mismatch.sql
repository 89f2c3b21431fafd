-- name: claim.capacity_mismatch (warning)
-- rated_output_kw differs by more than 1 % from panel_count × the module's
-- rated_power_w / 1000. Any CEC row for the (brand, model) counts, by brand and
-- model key, approved at installation or not; skipped where no row for the
-- model has a wattage. Compared exactly: |kW × 1000 − n × W| × 100 > n × W.
WITH judged AS (
    SELECT c.claim_id, c.rated_output_kw, c.panel_count,
        list(DISTINCT m.rated_power_w ORDER BY m.rated_power_w) AS watts,
        bool_or(abs(c.rated_output_kw * 1000 - c.panel_count * m.rated_power_w) * 100 <= c.panel_count * m.rated_power_w) AS fits,
        list(brand_note(c.panel_brand, c.panel_brand_key, c.panel_brand_base, m.licensee, m.licensee_key, m.licensee_base)) AS brand_notes,
        list(model_note(c.panel_model, c.panel_model_key, c.panel_model_name_key, m.model_number, m.model_key, m.model_name_key)) AS model_notes
    FROM audit_claims c
    JOIN audit_cec_modules m ON m.licensee_key = c.panel_brand_key AND m.model_key = c.panel_model_key
    WHERE m.rated_power_w IS NOT NULL
    GROUP BY ALL
)
SELECT claim_id, 'claim' AS component, '' AS serial_number,
    'claim.capacity_mismatch' AS rule, 'warning' AS severity,
    'rated output ' || rated_output_kw || ' kW; ' || panel_count || ' panels × ' || (watts[1])::DECIMAL(10, 1) || ' W = ' ||
        (panel_count * watts[1] / 1000)::DECIMAL(12, 3) || ' kW, more than 1 % apart' || matched_note(brand_notes, model_notes) AS detail
FROM judged
WHERE NOT fits;
