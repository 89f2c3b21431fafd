// Package reports reads the store and writes files for people and other
// tools; it never changes the store (it only creates temporary tables on its
// own connection). Each report table is one sql/reports/<name>.sql file.
//
//	audit folder (WriteAudit)   findings.csv, claims.csv, rejects.csv (contract
//	                            columns), audit.xlsx (audit_xlsx.go), findings.parquet
//	                            and claims.parquet (audit_parquet.go)
//	WriteCompliance             compliance.xlsx and a CSV per table (compliance.go)
//	WriteNotices                per supplier notice.html, evidence.csv/.xlsx;
//	                            index.csv (notices.go)
//
// Report-sized tables are read once as Arrow records (table.go) and handed to
// the CSV writer (csv.go, the one place CSV cells are escaped) and the sheet
// writer (xlsx.go); million-row tables are streamed.
package reports
