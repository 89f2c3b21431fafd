-- name: ComplianceByRule
-- by_rule.csv: for every rule (zeros too), its findings among the period's
-- claims, the claims it was raised on, and the STCs at risk of those claims.
-- findings add up to the summary; a claim may break several rules, so claims
-- and STCs at risk do not.
SELECT k.rule, k.severity,
    count(f.claim_id) AS findings,
    count(DISTINCT f.claim_id) AS claims,
    coalesce((SELECT sum(c.stcs_at_risk) FROM report_claims c
              WHERE c.claim_id IN (SELECT f2.claim_id FROM findings f2 JOIN report_scope r2 USING (run_id, claim_id)
                                   WHERE f2.rule = k.rule)), 0)::BIGINT AS stcs_at_risk
FROM report_rules k
LEFT JOIN (SELECT f.* FROM findings f JOIN report_scope r USING (run_id, claim_id)) f ON f.rule = k.rule
GROUP BY k.rule, k.severity
ORDER BY findings DESC, k.rule;
