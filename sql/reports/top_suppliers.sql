-- name: TopSuppliers
-- The suppliers (each claim put down to one: sql/reports/panel_suppliers.sql,
-- run_matches.sql) with the most STCs at risk among the claims in report_scope.
SELECT coalesce(s.supplier, '(no panel serials)') AS supplier,
    count(*) FILTER (WHERE r.status = 'fail') AS claims_failed,
    sum(r.stcs_at_risk)::BIGINT AS stcs_at_risk
FROM report_scope r
LEFT JOIN report_claim_supplier s USING (claim_id)
GROUP BY ALL
HAVING sum(r.stcs_at_risk) > 0
ORDER BY stcs_at_risk DESC, supplier
LIMIT 10;
