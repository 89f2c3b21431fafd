-- name: RecordFindings
-- The run's findings: at most one per (claim_id, rule, serial_number).
-- $1 is the run id.
INSERT INTO findings
SELECT ?, claim_id, component, serial_number, rule, severity, min(detail)
FROM run_findings
GROUP BY claim_id, component, serial_number, rule, severity
ORDER BY claim_id, rule, serial_number;

-- name: RecordClaimResults
-- One result per claim in scope: fail on any error, review on warnings only.
-- STCs at risk are the STCs claimed by a failed claim.
INSERT INTO claim_results
SELECT ?, c.claim_id, c.file_id,
    CASE WHEN coalesce(f.errors, 0) > 0 THEN 'fail' WHEN coalesce(f.warnings, 0) > 0 THEN 'review' ELSE 'pass' END,
    coalesce(f.errors, 0), coalesce(f.warnings, 0),
    c.stcs_claimed, c.stcs_computed,
    CASE WHEN coalesce(f.errors, 0) > 0 THEN c.stcs_claimed ELSE 0 END
FROM audit_claims c
LEFT JOIN (
    SELECT claim_id,
        count(*) FILTER (WHERE severity = 'error') AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings
    FROM (SELECT DISTINCT claim_id, rule, serial_number, severity FROM run_findings)
    GROUP BY claim_id
) f USING (claim_id)
ORDER BY c.claim_id;
