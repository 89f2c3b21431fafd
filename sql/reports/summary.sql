-- name: ComplianceSummary
-- summary.csv: the period's totals. $1, $2: the period (claims submitted
-- from $1 to $2). claims_not_audited counts the claims submitted in the
-- period whose current version no audit run has audited yet (not in any
-- other figure).
SELECT $1::DATE AS period_from, $2::DATE AS period_to,
    count(*) AS claims,
    count(*) FILTER (WHERE status = 'pass') AS pass,
    count(*) FILTER (WHERE status = 'review') AS review,
    count(*) FILTER (WHERE status = 'fail') AS fail,
    coalesce(sum(stcs_claimed), 0)::BIGINT AS stcs_claimed,
    coalesce(sum(stcs_computed), 0)::BIGINT AS stcs_computed,
    coalesce(sum(stcs_at_risk), 0)::BIGINT AS stcs_at_risk,
    coalesce(sum(findings), 0)::BIGINT AS findings,
    coalesce(sum(claimed_serials), 0)::BIGINT AS claimed_serials,
    coalesce(sum(found_in_ledger), 0)::BIGINT AS found_in_ledger,
    round(coalesce(sum(found_in_ledger) / nullif(sum(claimed_serials), 0), 0), 4) AS share,
    (SELECT count(*) FROM claims_current c
     WHERE c.submitted_on BETWEEN $1::DATE AND $2::DATE
       AND NOT EXISTS (SELECT 1 FROM claim_results_current r WHERE r.claim_id = c.claim_id)) AS claims_not_audited
FROM report_claims;
