-- name: ComplianceByState
-- by_state.csv: the period's claims by state or territory of the postcode.
SELECT state,
    count(*) AS claims,
    count(*) FILTER (WHERE status = 'pass') AS pass,
    count(*) FILTER (WHERE status = 'review') AS review,
    count(*) FILTER (WHERE status = 'fail') AS fail,
    sum(findings)::BIGINT AS findings,
    sum(stcs_claimed)::BIGINT AS stcs_claimed,
    sum(stcs_at_risk)::BIGINT AS stcs_at_risk
FROM report_claims
GROUP BY state
ORDER BY stcs_at_risk DESC, claims DESC, state;
