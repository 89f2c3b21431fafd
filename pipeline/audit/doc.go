// Package audit runs the checks of the data contract §3 over the store: it
// finds the claims in scope, computes their STCs (§2), matches their serials
// against the ledgers, runs sql/checks/<rule id>.sql, and records the run's
// findings and claim results. ComputeSTC is the same arithmetic for one
// system, step by step, for the `stc` command.
package audit
