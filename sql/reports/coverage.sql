-- name: ComplianceCoverage
-- coverage.csv: ledger coverage of the period's claimed panel serials, for
-- each panel brand and for each supplier (a serial found in the ledger counts
-- for the supplier who uploaded it; one not found, for the suppliers
-- authorised for the brand on the installation date: panel_suppliers.sql). Each
-- group's rows add up to the summary.
SELECT 'panel brand' AS "group", n.panel_brand AS name,
    count(*) AS claimed_serials,
    count(*) FILTER (WHERE m.found) AS found_in_ledger,
    round(count(*) FILTER (WHERE m.found) / count(*), 4) AS share
FROM report_panel_matches m
JOIN report_brand_names n USING (panel_brand_norm)
GROUP BY n.panel_brand
UNION ALL
SELECT 'supplier', m.supplier,
    count(*), count(*) FILTER (WHERE m.found),
    round(count(*) FILTER (WHERE m.found) / count(*), 4)
FROM report_panel_matches m
GROUP BY m.supplier
ORDER BY "group", share, claimed_serials DESC, name;
