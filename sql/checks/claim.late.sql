-- name: claim.late (error)
-- submitted_on is more than 12 months (the configured window) after
-- installed_on. Adding months keeps to the month's end: 2024-02-29 + 12 months
-- is 2025-02-28.
SELECT c.claim_id, 'claim' AS component, '' AS serial_number,
    'claim.late' AS rule, 'error' AS severity,
    'submitted ' || strftime(c.submitted_on, '%Y-%m-%d') || ', more than ' || p.claim_window_months ||
        ' months after installation on ' || strftime(c.installed_on, '%Y-%m-%d') ||
        ' (due by ' || strftime(c.installed_on + to_months(p.claim_window_months), '%Y-%m-%d') || ')' AS detail
FROM audit_claims c CROSS JOIN cfg_params p
WHERE c.submitted_on > (c.installed_on + to_months(p.claim_window_months))::DATE;
