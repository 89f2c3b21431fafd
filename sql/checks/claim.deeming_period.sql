-- name: claim.deeming_period (error)
-- deeming_years is not a period allowed for the installation year: one of the
-- configured choices (1 or 5 years) or the maximum, never above the maximum.
SELECT claim_id, 'claim' AS component, '' AS serial_number,
    'claim.deeming_period' AS rule, 'error' AS severity,
    'deeming period of ' || deeming_years || ' years is not allowed for a system installed in ' || install_year ||
        CASE WHEN len(allowed_years) = 0 THEN ': no deeming period is'
             ELSE ': choose ' || array_to_string(allowed_years, ', ') || ' (maximum ' || max_years || ')' END AS detail
FROM audit_claims
WHERE NOT deeming_allowed;
