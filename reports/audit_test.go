package reports

import (
	"archive/zip"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"stcrecon/pipeline/storetest"
	queries "stcrecon/sql"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files under testdata/golden")

// golden compares the file at path with testdata/golden/<name>.
func golden(t *testing.T, path, name string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("testdata", "golden", name)
	if *rewrite {
		if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(want, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	exp, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run with -rewrite to create it)", err)
	}
	if string(got) != string(exp) {
		t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", path, want, got, exp)
	}
}

// sheetRows reads a sheet back as the text a person sees.
func sheetRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The audit folder's workbook and Parquet files, read back and checked
// against the store.
func TestAuditWorkbookAndParquet(t *testing.T) {
	fx := mustFixture(t)
	dir := t.TempDir()
	out, err := writeAuditDB(t, fx.st.DB, fx.run1, true, dir)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, out.Findings, "audit/findings.csv")
	golden(t, out.Claims, "audit/claims.csv")

	f, err := excelize.OpenFile(out.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "Summary,Findings,Claims,Rejects" {
		t.Errorf("sheets %v", got)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(props.Creator, "stcrecon ") || props.Created != fx.run1.FinishedAt.Format("2006-01-02T15:04:05Z") {
		t.Errorf("workbook properties: creator %q, created %q", props.Creator, props.Created)
	}

	// Summary: the verdicts and STCs of the store, every rule with zeros.
	want := storetest.Query(t, fx.st.DB, `SELECT count(*) FILTER (WHERE status = 'pass'), count(*) FILTER (WHERE status = 'review'),
		count(*) FILTER (WHERE status = 'fail'), count(*), sum(stcs_claimed), sum(stcs_at_risk)
		FROM claim_results WHERE run_id = ?`, fx.run1.ID)[0]
	var got []string
	for _, c := range []string{"B10", "B11", "B12", "B13", "B15", "B16"} {
		v, _ := f.GetCellValue("Summary", c, excelize.Options{RawCellValue: true})
		got = append(got, v)
	}
	if strings.Join(got, "|") != want {
		t.Errorf("summary verdicts and STCs %v, store %s", got, want)
	}
	if typ, _ := f.GetCellType("Summary", "B5"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("started is a %v cell, want a date-time number", typ)
	}
	if v, _ := f.GetCellValue("Summary", "B5"); v != storetest.Now.Format("2006-01-02 15:04:05") {
		t.Errorf("started shows %q", v)
	}
	rules := map[string]string{}
	for r := 22; r < 22+len(queries.Checks()); r++ {
		name, _ := f.GetCellValue("Summary", "A"+itoa(r))
		n, _ := f.GetCellValue("Summary", "C"+itoa(r))
		sev, _ := f.GetCellValue("Summary", "B"+itoa(r))
		rules[name] = n
		if sev != queries.Severity(name) {
			t.Errorf("rule %s: severity %q", name, sev)
		}
	}
	for _, r := range queries.Checks() {
		if _, ok := rules[r]; !ok {
			t.Errorf("rule %s missing from the summary", r)
		}
	}
	for _, row := range storetest.Query(t, fx.st.DB, `SELECT rule, count(*) FROM findings WHERE run_id = ? GROUP BY rule`, fx.run1.ID) {
		r, n, _ := strings.Cut(row, "|")
		if rules[r] != n {
			t.Errorf("rule %s: summary %q, store %s", r, rules[r], n)
		}
	}
	if charts := chartCount(t, out.XLSX); charts != 2 {
		t.Errorf("%d charts, want 2", charts)
	}

	// Findings: one row per finding, as findings.csv, with context and typed cells.
	rows := sheetRows(t, f, "Findings")
	head := strings.Join(rows[0], ",")
	if head != "claim id,rule,severity,component,serial number,submitted on,installed on,postcode,state,rated output kw,panel brand,panel model,inverter,installer id,source file,source line,triage,detail" {
		t.Errorf("Findings header %s", head)
	}
	var sheetKeys []string
	for _, r := range rows[1:] {
		sheetKeys = append(sheetKeys, r[0]+"|"+r[1]+"|"+r[4])
	}
	storetest.AssertRows(t, sheetKeys, storetest.Query(t, fx.st.DB,
		`SELECT claim_id, rule, serial_number FROM findings WHERE run_id = ? ORDER BY claim_id, rule, serial_number`, fx.run1.ID)...)
	if typ, _ := f.GetCellType("Findings", "F2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("submitted_on is a %v cell", typ)
	}
	if typ, _ := f.GetCellType("Findings", "P2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("source_line is a %v cell", typ)
	}
	// It opens on the summary.
	if i := f.GetActiveSheetIndex(); f.GetSheetName(i) != "Summary" {
		t.Errorf("the workbook opens on sheet %d, %q", i, f.GetSheetName(i))
	}
	for _, sh := range []string{"Findings", "Claims", "Rejects"} {
		panes, err := f.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v %v", sh, panes, err)
		}
		names := f.GetDefinedName()
		var filter bool
		for _, n := range names {
			if n.Name == "_xlnm._FilterDatabase" && n.Scope == sh {
				filter = true
			}
		}
		if !filter {
			t.Errorf("%s: no auto-filter", sh)
		}
		// The filter is in the sheet itself too, over the header and every row.
		rows := sheetRows(t, f, sh)
		end, _ := excelize.CoordinatesToCellName(len(rows[0]), len(rows), true)
		if ref := autoFilterRef(t, f, out.XLSX, sh); ref != "$A$1:"+end {
			t.Errorf("%s: auto-filter on %q, want $A$1:%s", sh, ref, end)
		}
		layout, err := f.GetPageLayout(sh)
		if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("%s: print set-up %+v %v", sh, layout, err)
		}
	}
	claims := sheetRows(t, f, "Claims")
	if len(claims)-1 != int(fx.run1.Claims) {
		t.Errorf("Claims sheet: %d rows, run: %d claims", len(claims)-1, fx.run1.Claims)
	}

	// Parquet: DuckDB reads both back, typed, with the rows of the CSV files.
	for _, p := range out.Parquet {
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	}
	pf := filepath.Join(dir, "findings.parquet")
	storetest.AssertRows(t, storetest.Query(t, fx.st.DB, `SELECT count(*), any_value(typeof(submitted_on)), any_value(typeof(source_line)),
		any_value(typeof(rated_output_kw)) FROM read_parquet(?)`, pf),
		storetest.Query(t, fx.st.DB, `SELECT count(*), 'DATE', 'BIGINT', 'DECIMAL(12,3)' FROM findings WHERE run_id = ?`, fx.run1.ID)...)
	storetest.AssertRows(t, storetest.Query(t, fx.st.DB, `SELECT claim_id, rule, serial_number, detail FROM read_parquet(?)`, pf),
		storetest.Query(t, fx.st.DB, `SELECT claim_id, rule, serial_number, detail FROM findings WHERE run_id = ? ORDER BY claim_id, rule, serial_number`, fx.run1.ID)...)
	// The triage class of a serial in no ledger entry, in the parquet file and
	// counted per class on the summary (the other classes are zero here).
	storetest.AssertRows(t, storetest.Query(t, fx.st.DB, `SELECT claim_id, serial_number, triage FROM read_parquet(?) WHERE triage IS NOT NULL`, pf),
		"PVD4|J999|no similar serial")
	summary := sheetRows(t, f, "Summary")
	var classes []string
	for i, r := range summary {
		if len(r) > 0 && r[0] == "Serials in no ledger entry, most likely" {
			for _, c := range summary[i+1 : i+4] {
				classes = append(classes, c[0]+"|"+c[2])
			}
		}
	}
	storetest.AssertRows(t, classes, "likely typo|0", "inside uploaded range|0", "no similar serial|1")
	pc := filepath.Join(dir, "claims.parquet")
	storetest.AssertRows(t, storetest.Query(t, fx.st.DB, `SELECT claim_id, status, typeof(errors), typeof(stcs_at_risk), typeof(installed_on), state FROM read_parquet(?)`, pc),
		"PVD1|pass|INTEGER|INTEGER|DATE|NSW", "PVD2|fail|INTEGER|INTEGER|DATE|VIC", "PVD3|pass|INTEGER|INTEGER|DATE|QLD",
		"PVD4|fail|INTEGER|INTEGER|DATE|WA", "PVD5|pass|INTEGER|INTEGER|DATE|NSW", "PVD6|review|INTEGER|INTEGER|DATE|NSW")

	// Run 2 re-audits the amended PVD1: its verdict changed from pass to fail.
	out2, err := writeAuditDB(t, fx.st.DB, fx.run2, false, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f2, err := excelize.OpenFile(out2.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if v, _ := f2.GetCellValue("Summary", "B19"); v != "1" {
		t.Errorf("run 2: %s claims changed verdict, want 1 (PVD1)", v)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// chartCount counts the charts in a workbook's package.
// autoFilterRef is the range of the autoFilter element of sheet's XML in the
// workbook at path ("" when it has none); f is the same workbook, opened.
func autoFilterRef(t *testing.T, f *excelize.File, path, sheet string) string {
	t.Helper()
	var part string
	for sheetID, name := range f.GetSheetMap() {
		if name == sheet {
			part = fmt.Sprintf("xl/worksheets/sheet%d.xml", sheetID)
		}
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	r, err := z.Open(part)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	defer r.Close()
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "autoFilter" {
			for _, a := range el.Attr {
				if a.Name.Local == "ref" {
					return a.Value
				}
			}
		}
	}
}

func chartCount(t *testing.T, path string) int {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	n := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			n++
		}
	}
	return n
}

// findings.csv and claims.csv are written from the long sheets' records when
// those hold every row; when a sheet cannot hold them all, the files are
// queried instead, and come out the same, with every row.
func TestAuditCSVWhenSheetsAreFull(t *testing.T) {
	fx := mustFixture(t)
	defer func(n int) { sheetRowLimit = n }(sheetRowLimit)
	sheetRowLimit = 3
	out, err := writeAuditDB(t, fx.st.DB, fx.run1, true, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, out.Findings, "audit/findings.csv")
	golden(t, out.Claims, "audit/claims.csv")
	f, err := excelize.OpenFile(out.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, sh := range []string{"Findings", "Claims"} {
		rows := sheetRows(t, f, sh)
		if len(rows) != 3 || !strings.HasPrefix(rows[2][0], "more rows than a sheet holds") {
			t.Errorf("%s sheet: %d rows, last %q", sh, len(rows), rows[len(rows)-1])
		}
	}
}
