-- name: ComplianceByBrand
-- by_brand.csv: the period's claims by panel brand (compared by key).
SELECT n.panel_brand,
    count(*) AS claims,
    count(*) FILTER (WHERE c.status = 'pass') AS pass,
    count(*) FILTER (WHERE c.status = 'review') AS review,
    count(*) FILTER (WHERE c.status = 'fail') AS fail,
    sum(c.findings)::BIGINT AS findings,
    sum(c.stcs_claimed)::BIGINT AS stcs_claimed,
    sum(c.stcs_at_risk)::BIGINT AS stcs_at_risk
FROM report_claims c
JOIN report_brand_names n USING (panel_brand_norm)
GROUP BY n.panel_brand
ORDER BY stcs_at_risk DESC, claims DESC, n.panel_brand;
