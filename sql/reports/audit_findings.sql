-- name: AuditFindings
-- The Findings sheet and findings.parquet: every finding of the claims in
-- report_scope, with the context of its claim (the version audited) and the
-- place of the claim row in its source file, and for a serial in no ledger
-- entry what it most likely is (triage). Sorted as findings.csv.
-- Kept as the temp table report_audit_findings, rows in this order, so the
-- sheet (its widths, then its rows) and the Parquet file read the result once.
CREATE OR REPLACE TEMP TABLE report_audit_findings AS
SELECT f.claim_id, f.rule, f.severity, f.component, f.serial_number,
    c.submitted_on, c.installed_on, c.postcode, postcode_state(c.postcode) AS state,
    c.rated_output_kw, c.panel_brand, c.panel_model,
    c.inverter_manufacturer || ' ' || c.inverter_model AS inverter,
    c.installer_id, fl.name AS source_file, c.line AS source_line,
    finding_triage(f.rule, f.detail) AS triage, f.detail
FROM report_scope r
JOIN findings f USING (run_id, claim_id)
JOIN report_claims c USING (claim_id, file_id)
JOIN files fl USING (file_id)
ORDER BY f.claim_id, f.rule, f.serial_number;
