-- name: DropAuditReportTables
-- Once the audit folder is written, its report tables go: the connection
-- returns to the pool and would otherwise hold them until it is reused.
DROP TABLE IF EXISTS report_audit_findings;
DROP TABLE IF EXISTS report_audit_claims;
DROP TABLE IF EXISTS report_claim_supplier;
DROP TABLE IF EXISTS report_panel_matches;
DROP TABLE IF EXISTS report_panel_entries;
DROP TABLE IF EXISTS report_panel_serials;
DROP TABLE IF EXISTS report_brand_names;
DROP TABLE IF EXISTS report_supplier_names;
DROP TABLE IF EXISTS report_suppliers;
DROP TABLE IF EXISTS report_claims;
DROP TABLE IF EXISTS report_scope;
