-- name: ReportBrandNames
-- How each panel brand (compared by key) of the claims in report_scope is
-- shown: the spelling most of those claims use (ties: the first in order),
-- counted over report_claims, which holds a row per claim of report_scope
-- (an audit run's: run_claims.sql or scope_run_claims.sql; a period's:
-- compliance_claims.sql).
CREATE OR REPLACE TEMP TABLE report_brand_names AS
SELECT panel_brand_norm, panel_brand
FROM (
    SELECT c.panel_brand_norm, c.panel_brand, count(*) AS n
    FROM report_claims c
    GROUP BY ALL)
QUALIFY row_number() OVER (PARTITION BY panel_brand_norm ORDER BY n DESC, panel_brand) = 1;
