-- name: claim.capacity_mismatch (warning)
-- rated_output_kw differs by more than 1 % from panel_count × the module's
-- rated_power_w / 1000. Any CEC row for the (brand, model) counts, by brand and
-- model key, approved at installation or not; skipped where no row for the
-- model has a wattage. Compared exactly: |kW × 1000 − n × W| × 100 > n × W.
-- A brand alias or certification suffix that matched the CEC rows is named.
WITH rated AS (
    SELECT c.claim_id, c.rated_output_kw, c.panel_count, c.panel_brand, c.panel_model, m.licensee, m.model_number, m.rated_power_w
    FROM audit_claims c
    JOIN audit_cec_modules m ON m.licensee_id = c.panel_brand_id AND m.model_id = c.panel_model_id
    WHERE m.rated_power_w IS NOT NULL
), judged AS (
    SELECT claim_id, rated_output_kw, panel_count,
        list(DISTINCT rated_power_w ORDER BY rated_power_w) AS watts,
        bool_or(abs(rated_output_kw * 1000 - panel_count * rated_power_w) * 100 <= panel_count * rated_power_w) AS fits
    FROM rated
    GROUP BY claim_id, rated_output_kw, panel_count
), noted AS (
    SELECT r.claim_id, list(brand_note(cb, lb)) AS brand_notes, list(model_note(cm, lm)) AS model_notes
    FROM rated r
    SEMI JOIN (SELECT claim_id FROM judged WHERE NOT fits) j USING (claim_id)
    JOIN name_keys cb ON cb.name = r.panel_brand
    JOIN name_keys lb ON lb.name = r.licensee
    JOIN name_keys cm ON cm.name = r.panel_model
    JOIN name_keys lm ON lm.name = r.model_number
    GROUP BY r.claim_id
)
SELECT j.claim_id, 'claim' AS component, '' AS serial_number,
    'claim.capacity_mismatch' AS rule, 'warning' AS severity,
    'rated output ' || j.rated_output_kw || ' kW; ' || j.panel_count || ' panels × ' || (j.watts[1])::DECIMAL(10, 1) || ' W = ' ||
        (j.panel_count * j.watts[1] / 1000)::DECIMAL(12, 3) || ' kW, more than 1 % apart' ||
        matched_note(n.brand_notes, n.model_notes) AS detail
FROM judged j
JOIN noted n USING (claim_id)
WHERE NOT j.fits;
