-- name: AuditChanged
-- How many claims of report_scope got another verdict than at their previous
-- audit (a claim audited for the first time has no previous verdict).
SELECT count(*)
FROM report_scope r
JOIN (
    SELECT p.claim_id, p.status
    FROM claim_results p
    JOIN report_scope s ON s.claim_id = p.claim_id AND p.run_id < s.run_id
    QUALIFY row_number() OVER (PARTITION BY p.claim_id ORDER BY p.run_id DESC) = 1
) prev USING (claim_id)
WHERE prev.status <> r.status;
