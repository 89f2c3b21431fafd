package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The ledger files' seconds are the time one or more of them was loading:
// the inverter ledger (in the other lane, 0.5 s) loads within the panel
// ledger's second file (1.5 s), so the two panel files' 3 s count once;
// claims files do not count.
func TestLedgerRateSpansLedgerFilesOnly(t *testing.T) {
	log := `time=2026-11-24T01:57:25.500Z level=INFO msg="ingest: file loaded" file=panel_ledger_2023.csv kind=panel_ledger rows=300 rejected=1 seconds=1.5
time=2026-11-24T01:57:26.000Z level=INFO msg="ingest: file loaded" file=claims_2024_01.csv kind=claims rows=99 rejected=0 seconds=7
time=2026-11-24T01:57:26.800Z level=INFO msg="ingest: file loaded" file="inverter ledger.csv" kind=inverter_ledger rows=100 rejected=0 seconds=0.5
time=2026-11-24T01:57:27.000Z level=INFO msg="ingest: file loaded" file=panel_ledger_2024.csv kind=panel_ledger rows=50 rejected=0 seconds=1.5
time=2026-11-24T01:57:28.000Z level=INFO msg="ingest: file skipped" file=panel_ledger_x.csv why="same content"
time=2026-11-24T01:57:33.286Z level=INFO msg="ingest: checkpoint" seconds=2.75
`
	path := filepath.Join(t.TempDir(), "ingest_base.log")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, secs, ckpt, err := ledgerRate(path)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 450 || math.Abs(secs-3) > 1e-6 || ckpt != 2.75 {
		t.Fatalf("ledgerRate = %d rows, %v s, checkpoint %v s; want 450, 3, 2.75", rows, secs, ckpt)
	}
}

// The ledger-only phase ingests the panel and inverter ledger files of the
// base folder, in name order, and nothing else.
func TestLedgerFilesOf(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"claims_2025_01.csv", "panel_ledger_2024.csv", "inverter_ledger_01.xlsx", "suppliers.csv", "notes.txt", "panel_ledger_2023.csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ledgerFilesOf(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"inverter_ledger_01.xlsx", "panel_ledger_2023.csv", "panel_ledger_2024.csv"}
	if len(got) != len(want) {
		t.Fatalf("ledgerFilesOf = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != filepath.Join(dir, want[i]) {
			t.Fatalf("ledgerFilesOf = %v, want %v", got, want)
		}
	}
	if _, err := ledgerFilesOf(t.TempDir()); err == nil {
		t.Fatal("a folder without ledger files: no error")
	}
}
