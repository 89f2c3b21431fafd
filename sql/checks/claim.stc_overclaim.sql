-- name: claim.stc_overclaim (error)
-- stcs_claimed is more than the STCs of contract §2: floor(kW × zone rating ×
-- deeming years), with the claim's years where allowed, else the maximum.
-- Skipped where the postcode has no zone. The detail says the excess, the
-- exact product and that it is rounded down, e.g.
-- claims 77 STCs, 23 more than the 54 computed: 6.600 kW × 1.382 (zone 3) × 6 years = 54.7272, rounded down to 54
SELECT claim_id, 'claim' AS component, '' AS serial_number,
    'claim.stc_overclaim' AS rule, 'error' AS severity,
    'claims ' || stcs_claimed || ' STCs, ' || (stcs_claimed - stcs_computed) || ' more than the ' ||
        stcs_computed || ' computed: ' ||
        rated_output_kw || ' kW × ' || rating || ' (zone ' || zone || ') × ' || years_used || ' years' ||
        CASE WHEN deeming_allowed THEN '' ELSE ' (the maximum; ' || deeming_years || ' is not allowed)' END ||
        ' = ' || rtrim(rtrim(mwh_exact::VARCHAR, '0'), '.') ||
        CASE WHEN mwh_exact = stcs_computed THEN ' exactly' ELSE ', rounded down to ' || stcs_computed END AS detail
FROM audit_claims
WHERE zone IS NOT NULL AND stcs_claimed > stcs_computed;
