// Package ingest loads input files into the store (data contract §1): it
// recognises a file's kind from its name, reads CSV through DuckDB's read_csv
// and XLSX through excelize, validates every cell with sql/load/<kind>.sql,
// quarantines bad rows as rejects with file, line and column, and loads each
// file whole or not at all, in a transaction (small claims files one after
// another share one: claimsBatch), recorded with its SHA-256.
package ingest
