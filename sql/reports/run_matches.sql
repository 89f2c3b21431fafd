-- name: ReportRunPanelEntries
-- report_panel_entries (as matches.sql makes it) for the claims of the audit
-- run being published, taken from the run's own matches: the temp table
-- panel_matches of sql/audit/matches.sql, still on the run's connection while
-- its files are written (the audit drops its step tables after publishing).
-- Matching every claimed serial against the whole ledger again would repeat
-- the audit's costliest step, and could only give the same entries: one row
-- per (claim, panel serial), the ledger columns NULL for a serial in no entry.
-- supplier_key is the brand key of the uploading supplier's name (supplier_id
-- numbers it). The claims are joined before the million serials are.
CREATE OR REPLACE TEMP TABLE report_panel_entries AS
WITH run_claims AS (
    SELECT r.run_id, r.claim_id, c.installed_on
    FROM report_scope r JOIN claims c USING (claim_id, file_id)
), supplier_keys AS (
    SELECT DISTINCT brand_id, brand_key FROM name_keys
)
SELECT r.run_id, m.claim_id, m.serial_norm, m.panel_brand, m.panel_brand_norm, m.panel_brand_id, r.installed_on,
    m.supplier_name AS ledger_supplier, k.brand_key AS supplier_key, m.licensee, m.licensee_norm,
    m.model_number, m.uploaded_at
FROM panel_matches m
JOIN run_claims r USING (claim_id)
LEFT JOIN supplier_keys k ON k.brand_id = m.supplier_id;
