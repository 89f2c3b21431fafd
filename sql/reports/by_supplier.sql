-- name: ComplianceBySupplier
-- by_supplier.csv: the period's claims by the supplier each is put down to
-- (sql/reports/panel_suppliers.sql: the supplier of most of its panel serials).
SELECT supplier,
    count(*) AS claims,
    count(*) FILTER (WHERE status = 'pass') AS pass,
    count(*) FILTER (WHERE status = 'review') AS review,
    count(*) FILTER (WHERE status = 'fail') AS fail,
    sum(findings)::BIGINT AS findings,
    sum(stcs_claimed)::BIGINT AS stcs_claimed,
    sum(stcs_at_risk)::BIGINT AS stcs_at_risk
FROM report_claims
GROUP BY supplier
ORDER BY stcs_at_risk DESC, claims DESC, supplier;
