-- name: ReportRunBrandNames
-- brand_names.sql for an audit run: how each panel brand (compared by key) of
-- the claims in report_scope is shown, the spelling most of those claims use
-- (ties: the first in order), counted over report_claims, which holds the
-- claim row of each claim of report_scope (scope_run_claims.sql,
-- run_claims.sql), instead of joining report_scope to the whole claims table.
CREATE OR REPLACE TEMP TABLE report_brand_names AS
SELECT panel_brand_norm, panel_brand
FROM (
    SELECT c.panel_brand_norm, c.panel_brand, count(*) AS n
    FROM report_claims c
    GROUP BY ALL)
QUALIFY row_number() OVER (PARTITION BY panel_brand_norm ORDER BY n DESC, panel_brand) = 1;
