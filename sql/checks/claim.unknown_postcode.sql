-- name: claim.unknown_postcode (error)
-- The postcode is in no range of the postcode -> zone table.
SELECT claim_id, 'claim' AS component, '' AS serial_number,
    'claim.unknown_postcode' AS rule, 'error' AS severity,
    'postcode ' || postcode || ' is in no zone range' AS detail
FROM audit_claims
WHERE zone IS NULL;
