-- name: ComplianceCoverageByMonth
-- coverage_by_month.csv: the trend of coverage.csv, by month of submission:
-- each panel brand's and each supplier's claimed serials and the share found
-- in the ledger, month by month.
SELECT c.month, 'panel brand' AS "group", n.panel_brand AS name,
    count(*) AS claimed_serials,
    count(*) FILTER (WHERE m.found) AS found_in_ledger,
    round(count(*) FILTER (WHERE m.found) / count(*), 4) AS share
FROM report_panel_matches m
JOIN report_claims c USING (claim_id)
JOIN report_brand_names n ON n.panel_brand_norm = m.panel_brand_norm
GROUP BY c.month, n.panel_brand
UNION ALL
SELECT c.month, 'supplier', m.supplier,
    count(*), count(*) FILTER (WHERE m.found),
    round(count(*) FILTER (WHERE m.found) / count(*), 4)
FROM report_panel_matches m
JOIN report_claims c USING (claim_id)
GROUP BY c.month, m.supplier
ORDER BY 1, 2, 3;
