-- name: AuditClaims
-- The Claims sheet and claims.parquet: every claim in report_scope with its
-- verdict, the rules it failed, its context, and the place of the claim row in
-- its source file. Sorted by claim_id, as claims.csv.
-- Kept as the temp table report_audit_claims, rows in this order, so the
-- sheet (its widths, then its rows) and the Parquet file read the result once.
-- The rules are gathered from the findings of report_scope's claims and runs
-- only (a subquery per claim became one aggregate over the findings of every
-- run in the store, which grows with each run).
CREATE OR REPLACE TEMP TABLE report_audit_claims AS
WITH rules AS (
    SELECT f.run_id, f.claim_id, array_to_string(list_sort(list_distinct(list(f.rule))), '; ') AS rules
    FROM findings f
    SEMI JOIN report_scope r USING (run_id, claim_id)
    GROUP BY f.run_id, f.claim_id
)
SELECT r.claim_id, r.status, r.errors, r.warnings,
    r.stcs_claimed, r.stcs_computed, r.stcs_at_risk,
    coalesce(u.rules, '') AS rules,
    c.submitted_on, c.installed_on, c.postcode, postcode_state(c.postcode) AS state,
    c.rated_output_kw, c.panel_count, c.panel_brand, c.panel_model,
    c.inverter_manufacturer || ' ' || c.inverter_model AS inverter,
    c.installer_id, fl.name AS source_file, c.line AS source_line
FROM report_scope r
LEFT JOIN rules u USING (run_id, claim_id)
JOIN report_claims c USING (claim_id, file_id)
JOIN files fl USING (file_id)
ORDER BY r.claim_id;
