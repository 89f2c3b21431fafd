package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The report commands read an audited store and write their folders; they
// never create a store, and they check their flags.
func TestReportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "store.duckdb")
	if code, _, errs := runCLI(t, "report", "notices", "--db", db, "--out", filepath.Join(dir, "n")); code != exitFailed ||
		!strings.Contains(errs, "no store at "+db) {
		t.Fatalf("notices without a store: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("report created a store")
	}
	runCLI(t, "ingest", "--db", db, "../../pipeline/audit/testdata/checks/base", "testdata/claims_e2e.csv")
	if code, _, errs := runCLI(t, "audit", "--db", db, "--out", filepath.Join(dir, "audit")); code != exitOK {
		t.Fatalf("audit: exit %d: %s", code, errs)
	}
	for _, args := range [][]string{
		{"report"},
		{"report", "nonsense"},
		{"report", "compliance", "--db", db, "--out", dir},
		{"report", "compliance", "--db", db, "--from", "2025-03-01", "--to", "1/4/2025", "--out", dir},
		{"report", "compliance", "--db", db, "--from", "2025-03-01", "--to", "2025-02-01", "--out", dir},
		{"report", "notices", "--db", db},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	comp := filepath.Join(dir, "compliance")
	code, out, errs := runCLI(t, "report", "compliance", "--db", db, "--from", "2025-01-01", "--to", "2025-12-31", "--out", comp)
	if code != exitOK || !strings.Contains(out, "3 claims with a verdict") {
		t.Fatalf("compliance: exit %d: %s%s", code, out, errs)
	}
	for _, f := range []string{"compliance.xlsx", "summary.csv", "by_rule.csv", "by_month.csv", "by_state.csv",
		"by_brand.csv", "by_supplier.csv", "coverage.csv", "coverage_by_month.csv"} {
		if _, err := os.Stat(filepath.Join(comp, f)); err != nil {
			t.Error(err)
		}
	}
	code, out, errs = runCLI(t, "report", "notices", "--db", db, "--out", filepath.Join(dir, "notices"))
	if code != exitOK || !strings.Contains(out, "notices") {
		t.Fatalf("notices: exit %d: %s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "notices", "index.csv")); err != nil {
		t.Error(err)
	}
}
