// Package pipeline is the flow from files to findings. Its packages follow
// the data one way:
//
//	ingest    files (CSV, XLSX) → the store's history tables, with rejects
//	store     the DuckDB file: schema migrations, running embedded SQL by name
//	audit     the store → the checks of the data contract → findings and claim
//	          results of one audit run; the STC calculator
//	storetest helpers for tests that open a fresh store and read it back
//
// Go drives; DuckDB does the set work. Every statement comes from package
// queries (the sql/ folder) by name.
package pipeline
