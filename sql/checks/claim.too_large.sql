-- name: claim.too_large (error)
-- rated_output_kw is above the small-scale limit (100 kW).
SELECT c.claim_id, 'claim' AS component, '' AS serial_number,
    'claim.too_large' AS rule, 'error' AS severity,
    'rated output ' || c.rated_output_kw || ' kW is above the small-scale limit of ' || p.small_scale_limit_kw || ' kW' AS detail
FROM audit_claims c CROSS JOIN cfg_params p
WHERE c.rated_output_kw > p.small_scale_limit_kw;
