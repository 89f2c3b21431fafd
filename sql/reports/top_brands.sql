-- name: TopBrands
-- The panel brands with the most STCs at risk among the claims in report_scope.
SELECT n.panel_brand, count(*) FILTER (WHERE r.status = 'fail') AS claims_failed,
    sum(r.stcs_at_risk)::BIGINT AS stcs_at_risk
FROM report_scope r
JOIN report_claims c USING (claim_id, file_id)
JOIN report_brand_names n USING (panel_brand_norm)
GROUP BY n.panel_brand
HAVING sum(r.stcs_at_risk) > 0
ORDER BY stcs_at_risk DESC, n.panel_brand
LIMIT 10;
