package reports

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"stcrecon/pipeline/storetest"
)

// readCSV reads a report CSV as header → column values.
func readCSV(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return all[0], all[1:]
}

// sumCol adds up a column of a CSV table (rows where keep says so).
func sumCol(t *testing.T, header []string, rows [][]string, col string, keep func([]string) bool) int64 {
	t.Helper()
	idx := -1
	for i, h := range header {
		if h == col {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("no column %s in %v", col, header)
	}
	var n int64
	for _, r := range rows {
		if keep != nil && !keep(r) {
			continue
		}
		v, err := strconv.ParseInt(r[idx], 10, 64)
		if err != nil {
			t.Fatalf("%s: %q is not a whole number", col, r[idx])
		}
		n += v
	}
	return n
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// The compliance report of March to May 2025: PVD1 to PVD5 (PVD6 was
// submitted in June), each with its current verdict (PVD1: fail, from run 2).
// Golden CSV files; every table ties out to the summary; the summary ties
// out to the store; the workbook holds the same figures.
func TestComplianceReport(t *testing.T) {
	ctx := context.Background()
	fx := mustFixture(t)
	dir := t.TempDir()
	out, err := WriteCompliance(ctx, fx.st.DB, fx.run1.Names, day("2025-03-01"), day("2025-05-31"), storetest.Now, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.CSV {
		golden(t, p, "compliance/"+filepath.Base(p))
	}
	sh, sr := readCSV(t, filepath.Join(dir, "summary.csv"))
	if len(sr) != 1 {
		t.Fatalf("summary.csv: %d rows", len(sr))
	}
	total := func(col string) int64 { return sumCol(t, sh, sr, col, nil) }

	// The summary against the store's current verdicts.
	storetest.AssertRows(t, []string{strconv.FormatInt(total("claims"), 10) + "|" + strconv.FormatInt(total("fail"), 10) + "|" +
		strconv.FormatInt(total("stcs_claimed"), 10) + "|" + strconv.FormatInt(total("stcs_at_risk"), 10) + "|" + strconv.FormatInt(total("findings"), 10)},
		storetest.Query(t, fx.st.DB, `SELECT count(*), count(*) FILTER (WHERE r.status = 'fail'), sum(r.stcs_claimed), sum(r.stcs_at_risk),
			(SELECT count(*) FROM findings_current f JOIN claims_current c2 USING (claim_id) WHERE c2.submitted_on BETWEEN '2025-03-01' AND '2025-05-31')
			FROM claim_results_current r JOIN claims_current c USING (claim_id)
			WHERE c.submitted_on BETWEEN '2025-03-01' AND '2025-05-31'`)...)
	if total("claims") != 5 || total("fail") != 3 {
		t.Errorf("summary: %d claims, %d failed; want 5 and 3 (PVD1 amended to an overclaim, PVD2, PVD4)", total("claims"), total("fail"))
	}

	// Every table ties out to the summary.
	for _, name := range []string{"by_month", "by_state", "by_brand", "by_supplier"} {
		h, rows := readCSV(t, filepath.Join(dir, name+".csv"))
		for _, col := range []string{"claims", "pass", "review", "fail", "findings", "stcs_claimed", "stcs_at_risk"} {
			if got, want := sumCol(t, h, rows, col, nil), total(col); got != want {
				t.Errorf("%s: %s adds up to %d, summary %d", name, col, got, want)
			}
		}
	}
	h, rows := readCSV(t, filepath.Join(dir, "by_rule.csv"))
	if got := sumCol(t, h, rows, "findings", nil); got != total("findings") {
		t.Errorf("by_rule: findings add up to %d, summary %d", got, total("findings"))
	}
	if len(rows) != 18 {
		t.Errorf("by_rule: %d rules, want all 18", len(rows))
	}
	for _, name := range []string{"coverage", "coverage_by_month"} {
		h, rows := readCSV(t, filepath.Join(dir, name+".csv"))
		gi := 0
		if name == "coverage_by_month" {
			gi = 1
		}
		for _, g := range []string{"panel brand", "supplier"} {
			keep := func(r []string) bool { return r[gi] == g }
			for _, col := range []string{"claimed_serials", "found_in_ledger"} {
				if got, want := sumCol(t, h, rows, col, keep), total(col); got != want {
					t.Errorf("%s (%s): %s adds up to %d, summary %d", name, g, col, got, want)
				}
			}
		}
	}
	_, rows = readCSV(t, filepath.Join(dir, "by_month.csv"))
	if len(rows) != 3 || rows[0][0] != "2025-03" || rows[2][0] != "2025-05" {
		t.Errorf("by_month: months %v", rows)
	}

	// The workbook: a summary with four charts, then a sheet per table with
	// the CSV's cells.
	f, err := excelize.OpenFile(out.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Summary"}
	for _, ct := range complianceTables[1:] {
		want = append(want, ct.name)
	}
	if got := f.GetSheetList(); len(got) != len(want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	if v, _ := f.GetCellValue("Summary", "B12"); v != strconv.FormatInt(total("fail"), 10) {
		t.Errorf("Summary fail %q", v)
	}
	if n := chartCount(t, out.XLSX); n != 4 {
		t.Errorf("%d charts, want 4", n)
	}
	for _, ct := range complianceTables[1:] {
		_, csvRows := readCSV(t, filepath.Join(dir, ct.name+".csv"))
		sheet := sheetRows(t, f, ct.name)
		if len(sheet)-1 != len(csvRows) {
			t.Errorf("sheet %s: %d rows, CSV %d", ct.name, len(sheet)-1, len(csvRows))
		}
		end, _ := excelize.CoordinatesToCellName(len(sheet[0]), len(sheet), true)
		if ref := autoFilterRef(t, f, out.XLSX, ct.name); ref != "$A$1:"+end {
			t.Errorf("sheet %s: auto-filter on %q, want $A$1:%s", ct.name, ref, end)
		}
	}
	if i := f.GetActiveSheetIndex(); f.GetSheetName(i) != "Summary" {
		t.Errorf("the workbook opens on sheet %d, %q", i, f.GetSheetName(i))
	}
	if typ, _ := f.GetCellType("by_month", "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("by_month claims is a %v cell", typ)
	}

	if _, err := WriteCompliance(ctx, fx.st.DB, fx.run1.Names, day("2025-06-01"), day("2025-05-01"), storetest.Now, t.TempDir()); err == nil {
		t.Error("a period that ends before it starts was accepted")
	}
}

// A table longer than a sheet holds stops at the limit, and its last row
// says where the whole table is.
func TestSheetRowLimit(t *testing.T) {
	fx := mustFixture(t)
	defer func(n int) { sheetRowLimit = n }(sheetRowLimit)
	sheetRowLimit = 5
	dir := t.TempDir()
	out, err := WriteCompliance(context.Background(), fx.st.DB, fx.run1.Names, day("2025-01-01"), day("2025-12-31"), storetest.Now, dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := sheetRows(t, f, "by_rule")
	if len(rows) != 5 || !strings.Contains(rows[4][0], "by_rule.csv") {
		t.Fatalf("by_rule sheet past the limit: %q", rows)
	}
	_, csvRows := readCSV(t, filepath.Join(dir, "by_rule.csv"))
	if len(csvRows) != 18 {
		t.Errorf("by_rule.csv has %d rows, want every rule", len(csvRows))
	}
}
