package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"

	"github.com/xuri/excelize/v2"
)

// claimRows is a header and one good claim, PVD1, installed on Excel date
// number installed (a number, as a spreadsheet stores a date).
func claimRows(id string, installed any) [][]any {
	return [][]any{
		toAny(strings.Split(strings.TrimSpace(claimsHeader), ",")),
		{id, "2025-03-20", installed, "2000", "6.6", 12, "Jinko", "JKM400", "Fronius", "", "Primo", 6, 54, "", "A1", "I1"},
	}
}

func setRows(t *testing.T, f *excelize.File, sheet string, rows [][]any) {
	t.Helper()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
}

func saveWorkbook(t *testing.T, f *excelize.File, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The first visible sheet is read: a hidden (empty) first sheet and a very
// hidden one with data are skipped.
func TestIngestXLSXFirstVisibleSheet(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Empty hidden")
	for _, s := range []string{"Old very hidden", "Claims"} {
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	f.SetActiveSheet(2)
	setRows(t, f, "Old very hidden", claimRows("OLD", 45717))
	setRows(t, f, "Claims", claimRows("PVD1", 45717))
	if err := f.SetSheetVisible("Empty hidden", false); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetVisible("Old very hidden", false, true); err != nil {
		t.Fatal(err)
	}
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, saveWorkbook(t, f, "claims_hidden.xlsx")))
	if r.Status != Loaded || r.Rows != 1 {
		t.Fatalf("%+v", r)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, installed_on FROM claims"), "PVD1|2025-03-01")
}

// Data on two visible sheets: which is meant is ambiguous, so the file is rejected.
func TestIngestXLSXTwoVisibleSheetsRejected(t *testing.T) {
	f := excelize.NewFile()
	if _, err := f.NewSheet("More"); err != nil {
		t.Fatal(err)
	}
	setRows(t, f, "Sheet1", claimRows("PVD1", 45717))
	setRows(t, f, "More", claimRows("PVD2", 45717))
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, saveWorkbook(t, f, "claims_two.xlsx")))
	want := `claims_two.xlsx: data on more than one visible sheet ("Sheet1" and "More"): which one is meant is ambiguous; keep one visible sheet of data`
	if r.Status != Rejected || r.Err.Error() != want {
		t.Fatalf("%s %v", r.Status, r.Err)
	}
	// An empty second visible sheet is fine.
	f = excelize.NewFile()
	if _, err := f.NewSheet("Notes"); err != nil {
		t.Fatal(err)
	}
	setRows(t, f, "Sheet1", claimRows("PVD1", 45717))
	if r := only(t, ingest(t, st, saveWorkbook(t, f, "claims_one.xlsx"))); r.Status != Loaded {
		t.Fatalf("%s %v", r.Status, r.Err)
	}
}

// A workbook in the 1904 date system: its date numbers count from 1904.
func TestIngestXLSX1904Dates(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	setRows(t, f, "Sheet1", claimRows("PVD1", 45717-1462))
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, saveWorkbook(t, f, "claims_1904.xlsx")))
	if r.Status != Loaded || r.Rows != 1 {
		t.Fatalf("%+v", r)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT installed_on FROM claims"), "2025-03-01")
}

// A formula cell with no cached value (saved by a program that does not
// calculate) is a reject that says so; the other rows load.
func TestIngestXLSXFormulaWithoutCachedValue(t *testing.T) {
	f := excelize.NewFile()
	rows := claimRows("PVD1", 45717)
	second := claimRows("PVD2", 45717)[1]
	second[12] = nil // stcs_claimed: the formula's cell
	rows = append(rows, second)
	setRows(t, f, "Sheet1", rows)
	if err := f.SetCellFormula("Sheet1", "M3", "=12*4.5"); err != nil { // stcs_claimed of PVD2
		t.Fatal(err)
	}
	st := storetest.MustOpen(t)
	loadsWithOneReject(t, st, f, "claims_formula.xlsx", 1,
		"claims_formula.xlsx:3:13: stcs_claimed: cell M3 holds a formula with no cached value (the workbook was saved without calculating): open and save it in a spreadsheet, or paste values")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id FROM claims"), "PVD1")
}

// loadsWithOneReject ingests workbook f saved as name, and checks that it
// loads rows rows and rejects one, want.
func loadsWithOneReject(t *testing.T, st *store.Store, f *excelize.File, name string, rows int64, want string) {
	t.Helper()
	r := only(t, ingest(t, st, saveWorkbook(t, f, name)))
	if r.Status != Loaded || r.Rows != rows || r.Rejected != 1 {
		t.Fatalf("%+v", r)
	}
	if got := r.Rejects[0].String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// zipBomb writes a workbook of about 300 KB whose styles part inflates to
// 300 MB: excelize would parse it whole into memory (gigabytes).
func zipBomb(t *testing.T, path string) {
	t.Helper()
	src := excelize.NewFile()
	setRows(t, src, "Sheet1", claimRows("PVD1", 45717))
	var buf bytes.Buffer
	if err := src.Write(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == "xl/styles.xml" {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`)
			xf := bytes.Repeat([]byte(" "), 1<<20) // white space between elements: valid XML
			for written := 0; written < 300<<20; written += len(xf) {
				if _, err := w.Write(xf); err != nil {
					t.Fatal(err)
				}
			}
			io.WriteString(w, `</cellXfs></styleSheet>`)
			continue
		}
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// A zip bomb is rejected whole, before excelize inflates it.
func TestIngestXLSXZipBombRejected(t *testing.T) {
	p := filepath.Join(t.TempDir(), "claims_bomb.xlsx")
	zipBomb(t, p)
	st, _ := os.Stat(p)
	t.Logf("bomb: %d KB", st.Size()>>10)
	db := storetest.MustOpen(t)
	r := only(t, ingest(t, db, p))
	want := "claims_bomb.xlsx: the workbook would take too much memory to read (part xl/styles.xml: 301 MiB uncompressed, more than 32 MiB): rejected whole"
	if r.Status != Rejected || r.Err.Error() != want || st.Size() > 400<<10 {
		t.Fatalf("%s %v\nwant %s", r.Status, r.Err, want)
	}
	t.Logf("peak RSS of the test process: %.0f MB", peakRSSMB())
}

// An XLSX row longer than maxRowBytes in all (a cell holds at most 32,767
// characters, so a long row is several long cells) is a reject of its own,
// naming its longest cell's column; a row just under it loads.
func TestIngestXLSXLongRowRejectsOnlyItsRow(t *testing.T) {
	serials := func(from int) string { // about 30,000 bytes: 4,285 serials
		var b strings.Builder
		for i := from; b.Len() < 30000-7; i++ {
			if b.Len() > 0 {
				b.WriteByte(';')
			}
			fmt.Fprintf(&b, "S%05d", i)
		}
		return b.String()
	}
	rows := claimRows("PVD1", 45717)
	long := claimRows("PVD2", 45717)[1]
	long[14], long[15] = serials(0), serials(10000) // panel and inverter serials: 60,000 bytes
	long[13] = strings.Repeat("i", 6000)            // installer_id: the row past 64 KiB
	under := claimRows("PVD3", 45717)[1]
	under[14] = serials(20000)
	rows = append(rows, long, under)
	f := excelize.NewFile()
	setRows(t, f, "Sheet1", rows)
	st := storetest.MustOpen(t)
	loadsWithOneReject(t, st, f, "claims_long.xlsx", 2,
		"claims_long.xlsx:3:15: panel_serials: row is 65 KiB long, more than 64 KiB: a cell this long is not data (not loaded)")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, count(*) FROM claims JOIN claim_serials USING (file_id, claim_id) WHERE component = 'panel' GROUP BY 1 ORDER BY 1"),
		"PVD1|1", "PVD3|4285")
}
