-- name: ComplianceClaims
-- One row per claim of the period (report_scope, from scope_period.sql) with
-- its current verdict and what every compliance table groups it by. Every
-- table of the report sums this table, so the tables add up to the summary.
--   month:    month of submission, YYYY-MM
--   state:    from the postcode (postcode_state, setup.sql)
--   supplier: the one supplier the claim is put down to (panel_suppliers.sql)
--   panel serials claimed, and of those found in the ledger by the verdict
CREATE OR REPLACE TEMP TABLE report_claims AS
SELECT r.claim_id, r.status, r.stcs_claimed, r.stcs_computed, r.stcs_at_risk,
    strftime(c.submitted_on, '%Y-%m') AS month,
    postcode_state(c.postcode) AS state,
    c.panel_brand_norm, c.panel_brand,
    coalesce(s.supplier, '(no panel serials)') AS supplier,
    (SELECT count(*) FROM findings f WHERE f.run_id = r.run_id AND f.claim_id = r.claim_id) AS findings,
    (SELECT count(*) FROM report_panel_matches m WHERE m.claim_id = r.claim_id) AS claimed_serials,
    (SELECT count(*) FROM report_panel_matches m WHERE m.claim_id = r.claim_id AND m.found) AS found_in_ledger
FROM report_scope r
JOIN claims c USING (claim_id, file_id)
LEFT JOIN report_claim_supplier s USING (claim_id);
