// Package pipeline holds the two stages that change the store: ingest (files →
// history tables, with rejects) and audit (checks → findings and claim results of
// one audit run), the Store they share, and the types that cross stage
// boundaries: file kinds and their columns, a reject, a finding.
//
// Go drives; DuckDB does the set work. Every statement comes from package
// queries (the sql/ folder) by name.
package pipeline
