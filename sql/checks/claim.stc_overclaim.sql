-- name: claim.stc_overclaim (error)
-- stcs_claimed is more than the STCs of contract §2: floor(kW × zone rating ×
-- deeming years), with the claim's years where allowed, else the maximum.
-- Skipped where the postcode has no zone.
SELECT claim_id, 'claim' AS component, '' AS serial_number,
    'claim.stc_overclaim' AS rule, 'error' AS severity,
    'claims ' || stcs_claimed || ' STCs; ' || rated_output_kw || ' kW × ' || rating || ' (zone ' || zone || ') × ' ||
        years_used || ' years' ||
        CASE WHEN deeming_allowed THEN '' ELSE ' (the maximum; ' || deeming_years || ' is not allowed)' END ||
        ' = ' || stcs_computed AS detail
FROM audit_claims
WHERE zone IS NOT NULL AND stcs_claimed > stcs_computed;
