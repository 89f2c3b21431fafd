-- name: panel.count_mismatch (error)
-- panel_count differs from the number of distinct panel serials listed (a
-- serial listed twice counts once). panel_matches holds one row per distinct
-- panel serial of each claim.
SELECT c.claim_id, 'panel' AS component, '' AS serial_number,
    'panel.count_mismatch' AS rule, 'error' AS severity,
    'panel_count is ' || c.panel_count || '; ' || s.distinct_serials || ' distinct panel serials listed' AS detail
FROM audit_claims c
JOIN (SELECT claim_id, count(*) AS distinct_serials FROM panel_matches GROUP BY claim_id) s USING (claim_id)
WHERE c.panel_count <> s.distinct_serials;
