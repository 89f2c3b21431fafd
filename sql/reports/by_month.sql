-- name: ComplianceByMonth
-- by_month.csv: the period's claims by month of submission, every month of
-- the period (zeros too), with ledger coverage of the panel serials.
WITH months AS (
    SELECT strftime(m, '%Y-%m') AS month
    FROM generate_series(date_trunc('month', $1::DATE), date_trunc('month', $2::DATE), INTERVAL 1 MONTH) t(m)
)
SELECT m.month,
    count(c.claim_id) AS claims,
    count(*) FILTER (WHERE c.status = 'pass') AS pass,
    count(*) FILTER (WHERE c.status = 'review') AS review,
    count(*) FILTER (WHERE c.status = 'fail') AS fail,
    coalesce(sum(c.findings), 0)::BIGINT AS findings,
    coalesce(sum(c.stcs_claimed), 0)::BIGINT AS stcs_claimed,
    coalesce(sum(c.stcs_at_risk), 0)::BIGINT AS stcs_at_risk,
    coalesce(sum(c.claimed_serials), 0)::BIGINT AS claimed_serials,
    coalesce(sum(c.found_in_ledger), 0)::BIGINT AS found_in_ledger,
    round(coalesce(sum(c.found_in_ledger) / nullif(sum(c.claimed_serials), 0), 0), 4) AS share
FROM months m
LEFT JOIN report_claims c USING (month)
GROUP BY m.month
ORDER BY m.month;
