package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// runCLI runs the whole program in-process, as main does.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("%s differs (go test -update rewrites it)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// 100 kW in zone 3 over 5 years is exactly 691 STCs.
func TestSTCCalculator(t *testing.T) {
	code, out, errs := runCLI(t, "stc", "--postcode", "2000", "--kw", "100", "--installed", "2025-03-01", "--years", "5")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "stc_100kw_zone3_5y.txt", out)
	code, out, _ = runCLI(t, "stc", "--postcode", "870", "--kw", "6.6", "--installed", "01/03/2025", "--years", "10")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "stc_not_allowed_years.txt", out)
}

// Ingest exits 3 when a row is rejected; the audit's CSV files are golden and
// byte-identical from one run to the next; a second nightly run has nothing new.
func TestIngestAndAudit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "store.duckdb")
	code, _, errs := runCLI(t, "ingest", "--db", db, "../../pipeline/audit/testdata/checks/base")
	if code != exitOK {
		t.Fatalf("ingest base: exit %d: %s", code, errs)
	}
	code, _, errs = runCLI(t, "ingest", "--db", db, "testdata/claims_e2e.csv")
	if code != exitRejected {
		t.Fatalf("ingest claims: exit %d, want %d", code, exitRejected)
	}
	if !strings.Contains(errs, `claims_e2e.csv:5:2: submitted_on: not a date: use YYYY-MM-DD or DD/MM/YYYY (value "2025-13-45")`) {
		t.Fatalf("stderr does not name the bad cell:\n%s", errs)
	}

	// --out naming a file: exit 1, a clear message, and no run recorded, so
	// the next audit reports every claim.
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("not a folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "audit", "--db", db, "--out", file)
	if code != exitFailed || !strings.Contains(errs, "output folder "+file+": is not a folder (it is a file") {
		t.Fatalf("audit --out FILE: exit %d: %s", code, errs)
	}

	out1, out2, out3 := filepath.Join(dir, "a1"), filepath.Join(dir, "a2"), filepath.Join(dir, "a3")
	code, summary, errs := runCLI(t, "audit", "--db", db, "--out", out1)
	if code != exitOK {
		t.Fatalf("audit: exit %d: %s", code, errs)
	}
	if !strings.Contains(summary, "3 claims audited") || !strings.Contains(summary, "pass 0, review 1, fail 2") ||
		!strings.Contains(summary, "every current claim audited: first run") || !strings.Contains(summary, "manifest.json") {
		t.Fatalf("summary:\n%s", summary)
	}
	if _, err := os.Stat(filepath.Join(out1, "manifest.json")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"findings.csv", "claims.csv", "rejects.csv"} {
		b, err := os.ReadFile(filepath.Join(out1, f))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "e2e_"+f, string(b))
	}
	// Everything is audited now: the next nightly run has no claims and no new rejects.
	code, summary, _ = runCLI(t, "audit", "--db", db, "--out", out2)
	if code != exitOK || !strings.Contains(summary, "0 claims audited") {
		t.Fatalf("second run: exit %d\n%s", code, summary)
	}
	if b, _ := os.ReadFile(filepath.Join(out2, "rejects.csv")); string(b) != "file,line,column,value,reason\n" {
		t.Fatalf("second run rejects.csv:\n%s", b)
	}
	// --all audits everything again and writes the same bytes.
	if code, _, errs = runCLI(t, "audit", "--db", db, "--out", out3, "--all"); code != exitOK {
		t.Fatalf("audit --all: exit %d: %s", code, errs)
	}
	for _, f := range []string{"findings.csv", "claims.csv", "rejects.csv"} {
		a, _ := os.ReadFile(filepath.Join(out1, f))
		b, _ := os.ReadFile(filepath.Join(out3, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs", f)
		}
	}
	// The workbook holds the same findings, and a summary.
	x, err := excelize.OpenFile(filepath.Join(out1, "audit.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Findings")
	if err != nil {
		t.Fatal(err)
	}
	csvText, _ := os.ReadFile(filepath.Join(out1, "findings.csv"))
	if got, want := len(rows), strings.Count(string(csvText), "\n"); got != want {
		t.Fatalf("Findings sheet has %d rows, findings.csv %d lines", got, want)
	}
	if rows[1][0] != "PVD0001" || rows[1][1] != "panel.duplicate" || rows[1][4] != "J002" {
		t.Fatalf("Findings sheet row 2: %v", rows[1])
	}
	if v, _ := x.GetCellValue("Summary", "B12"); v != "2" {
		t.Fatalf("Summary fail count %q", v)
	}
}

// In an inbox folder, a .csv of no kind is rejected by name (exit 3) and any
// other file is listed as ignored on stderr.
func TestIngestFolderIgnoredAndUnknown(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"notes.txt":       "hello",
		"stc_claims.csv":  "claim_id\nX\n",
		"Suppliers_A.csv": "supplier_name,product,brand,authorised_from\nAcme,panel,Jinko,2024-01-01\n",
	} {
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runCLI(t, "ingest", "--db", filepath.Join(dir, "s.duckdb"), inbox)
	if code != exitRejected {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitRejected, out, errs)
	}
	for _, want := range []string{
		filepath.Join(inbox, "notes.txt") + ": ignored: not a .csv or .xlsx file",
		"stc_claims.csv: unknown kind",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "1 file rejected whole") {
		t.Errorf("stdout:\n%s", out)
	}
}
