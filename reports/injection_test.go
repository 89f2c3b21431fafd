package reports

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/storetest"
)

// Cells a spreadsheet would run as a formula (= + - @, tab, CR first) are
// written with a leading ' in every CSV output, and as text in the workbook;
// output files are 0644 (contract §4).
func TestOutputsNeutraliseFormulas(t *testing.T) {
	body := `"=HYPERLINK(""http://evil.example"",""click"")",2025-03-20,2025-03-01,2000,0.800,2,@SUM(A1),JKM400,Fronius,Primo,Primo 5.0,6,6,+1+1,J001;J002,F001` + "\n" +
		`PVD9,2025-03-20,2025-03-01,2000,-1+2,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,6,=1+1,J001,F001` + "\n"
	out, err := auditClaims(t, body)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range []string{out.Findings, out.Claims, out.Rejects} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			for _, c := range rec {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("%s: cell %q would run as a formula", filepath.Base(p), c)
				}
				seen[c] = true
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://evil.example","click")`, "'-1+2"} {
		if !seen[want] {
			t.Errorf("no cell %q in the CSV outputs", want)
		}
	}
	for _, p := range []string{out.Findings, out.Claims, out.Rejects, out.XLSX} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644 (%v)", filepath.Base(p), fi.Mode().Perm(), err)
		}
	}
	f, err := excelize.OpenFile(out.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := false
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" && strings.Contains(formula, "evil") {
					t.Errorf("%s!%s is a formula: %s", sheet, cell, formula)
				}
				if strings.Contains(v, "HYPERLINK") {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("the workbook does not show the claim id as text")
	}
}

// A cell of thousands of characters (a model name pasted with a whole
// description, say) wraps over more lines than the tallest row a sheet allows
// (409 pt): its row is made that tall, not taller, and the files are written.
// Otherwise excelize refuses the row, the files step fails, the run is not
// recorded, and every later night fails the same way.
func TestAuditFilesTakeVeryLongCells(t *testing.T) {
	model := strings.Repeat("JKM400 monocrystalline half-cell module ", 150) // 6,000 characters
	out, err := auditClaims(t, "PVD1,2025-03-20,2025-03-01,2000,0.800,2,Jinko Solar,"+model+",Fronius,Primo,Primo 5.0,6,6,I1,J001;J002,F001\n")
	if err != nil {
		t.Fatalf("audit files with a 6,000-character cell: %v", err)
	}
	f, err := excelize.OpenFile(out.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Findings")
	if err != nil {
		t.Fatal(err)
	}
	tallest := 0.0
	long := false
	for r, row := range rows {
		for _, c := range row {
			if strings.Contains(c, model) {
				long = true
			}
		}
		h, err := f.GetRowHeight("Findings", r+1)
		if err != nil {
			t.Fatal(err)
		}
		tallest = max(tallest, h)
	}
	if !long || tallest != excelize.MaxRowHeight {
		t.Fatalf("Findings: a cell holds the whole model %v, tallest row %v pt (want %v)", long, tallest, excelize.MaxRowHeight)
	}
}

// auditClaims loads a claims file of the given rows (after the contract's
// header) with the store fixture's ledgers, lists and suppliers, audits every
// claim, and writes the run's files.
func auditClaims(t *testing.T, rows string) (AuditFiles, error) {
	t.Helper()
	ctx := context.Background()
	st := storetest.MustOpen(t)
	dir := t.TempDir()
	claims := filepath.Join(dir, "claims_test.csv")
	header := "claim_id,submitted_on,installed_on,postcode,rated_output_kw,panel_count,panel_brand,panel_model,inverter_manufacturer,inverter_series,inverter_model,deeming_years,stcs_claimed,installer_id,panel_serials,inverter_serials\n"
	if err := os.WriteFile(claims, []byte(header+rows), 0o644); err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Store: st, Now: func() time.Time { return storetest.Now }}
	paths := []string{claims}
	for _, n := range []string{"cec_inverters_2025.csv", "cec_modules_2025.csv", "inverter_ledger_2025.csv", "panel_ledger_2025.csv", "suppliers_2025.csv"} {
		paths = append(paths, filepath.Join("testdata", "store", n))
	}
	if _, err := in.Ingest(ctx, paths); err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	run, err := (&audit.Auditor{Store: st, Config: cfg, Now: func() time.Time { return storetest.Now }}).Run(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	return writeAuditDB(t, st.DB, run, true, filepath.Join(dir, "out"))
}
