package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"stcrecon/pipeline/storetest"

	"github.com/xuri/excelize/v2"
)

// readerCase is one kind's minimal file for the conformance test that every
// reader (CSV and XLSX) and every kind must pass.
type readerCase struct {
	kind   Kind
	header []string
	good1  []string // holds a cell that spans two lines and an Australian date
	bad    []string // one bad cell: badCol
	good2  []string
	badCol string
	// dateQuery reads good1's date back as YYYY-MM-DD.
	dateQuery, date string
}

var readerCases = []readerCase{
	{PanelLedger, []string{"supplier_name", "licensee", "model_number", "serial_number", "uploaded_at"},
		[]string{"Acme\nImports", "Jinko Solar", "JKM400", "S1", "15/09/2025"},
		[]string{"Acme", "Jinko Solar", "JKM400", " ", "2025-09-15"},
		[]string{"Acme", "Jinko Solar", "JKM400", "S3", "2025-09-15"},
		"serial_number", "SELECT strftime(uploaded_at, '%Y-%m-%d') FROM panel_ledger WHERE serial_norm = 'S1'", "2025-09-15"},
	{InverterLedger, []string{"manufacturer", "model_number", "serial_number", "uploaded_at"},
		[]string{"Fronius\nInternational", "Primo 5.0", "F1", "15/09/2025"},
		[]string{"Fronius", "Primo 5.0", "F2", "31/02/2025"},
		[]string{"Fronius", "Primo 5.0", "F3", "2025-09-15"},
		"uploaded_at", "SELECT strftime(uploaded_at, '%Y-%m-%d') FROM inverter_ledger WHERE serial_norm = 'F1'", "2025-09-15"},
	{CECModules, []string{"licensee", "model_number", "approved_on", "expires_on"},
		[]string{"Jinko\nSolar", "JKM400", "01/03/2023", "28/02/2028"},
		[]string{"Jinko Solar", "JKM405", "2023-03-01", "never"},
		[]string{"Jinko Solar", "JKM410", "2023-03-01", "2028-02-28"},
		"expires_on", "SELECT strftime(expires_on, '%Y-%m-%d') FROM cec_modules WHERE model_number = 'JKM400'", "2028-02-28"},
	{CECInverters, []string{"manufacturer", "model_number", "approved_on", "expires_on"},
		[]string{"Fronius\nInternational", "Primo 5.0", "10/01/2023", "09/01/2028"},
		[]string{"Fronius", "Primo 6.0", "", "2028-01-09"},
		[]string{"Fronius", "Primo 8.0", "2023-01-10", "2028-01-09"},
		"approved_on", "SELECT strftime(approved_on, '%Y-%m-%d') FROM cec_inverters WHERE model_number = 'Primo 5.0'", "2023-01-10"},
	{Suppliers, []string{"supplier_name", "product", "brand", "authorised_from"},
		[]string{"Acme\nImports", "panel", "Jinko Solar", "01/02/2024"},
		[]string{"Acme", "battery", "Jinko Solar", "2024-02-01"},
		[]string{"Acme", "inverter", "Fronius", "2024-02-01"},
		"product", "SELECT strftime(authorised_from, '%Y-%m-%d') FROM suppliers WHERE brand = 'Jinko Solar'", "2024-02-01"},
	{Claims, strings.Split(strings.TrimSpace(claimsHeader), ","),
		claimRow("PVD1", "20/03/2025", "1.2", "A1;\nA2;A3"),
		claimRow("PVD2", "2025-03-20", "-1", "B1;B2;B3"),
		claimRow("PVD3", "2025-03-20", "1.2", "C1;C2;C3"),
		"rated_output_kw", "SELECT strftime(submitted_on, '%Y-%m-%d') FROM claims WHERE claim_id = 'PVD1'", "2025-03-20"},
}

func claimRow(id, submitted, kw, panels string) []string {
	return []string{id, submitted, "2025-03-01", "2000", kw, "3", "Jinko Solar", "JKM400", "Fronius", "", "Primo 5.0", "6", "9", "", panels, "I" + id}
}

// write writes the case as CSV (with a BOM and CRLF line ends) or XLSX, with
// the header, good1, a blank row, bad, good2. It returns the path and the line
// (or sheet row) the bad row is on.
func (c readerCase) write(tb testing.TB, dir, format string, header []string) (string, int64) {
	tb.Helper()
	path := filepath.Join(dir, string(c.kind)+"_conformance."+format)
	rows := [][]string{header, c.good1, {}, c.bad, c.good2}
	if format == "xlsx" {
		f := excelize.NewFile()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			vals := make([]any, len(r))
			for j, v := range r {
				vals[j] = v
			}
			if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
				tb.Fatal(err)
			}
		}
		if err := f.SaveAs(path); err != nil {
			tb.Fatal(err)
		}
		return path, 4
	}
	var buf bytes.Buffer
	buf.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for _, r := range rows {
		if len(r) == 0 {
			w.Flush()
			buf.WriteString("\r\n")
			continue
		}
		w.Write(r)
	}
	w.Flush()
	storetest.WriteFile(tb, dir, filepath.Base(path), buf.String())
	return path, 5 // header 1, good1 2-3, blank 4
}

func TestReaderConformance(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		for _, c := range readerCases {
			t.Run(format+"/"+string(c.kind), func(t *testing.T) {
				dir := t.TempDir()
				st := storetest.MustOpen(t)
				path, badLine := c.write(t, dir, format, c.header)

				r := only(t, ingest(t, st, path))
				if r.Status != Loaded || r.Rows != 2 || r.Rejected != 1 {
					t.Fatalf("%s: %d loaded, %d rejected (%v %v)", r.Status, r.Rows, r.Rejected, r.Err, r.Rejects)
				}
				rj := r.Rejects[0]
				if rj.Line != badLine || rj.Column != c.badCol {
					t.Fatalf("reject at line %d column %q, want line %d column %q: %s", rj.Line, rj.Column, badLine, c.badCol, rj)
				}
				storetest.AssertRows(t, storetest.Query(t, st.DB, c.dateQuery), c.date)

				// The same content again is a no-op.
				if r := only(t, ingest(t, st, path)); r.Status != Skipped {
					t.Fatalf("second ingest: %s", r.Status)
				}

				// Without its first required column the file is rejected whole.
				missing := c.header[0]
				st2 := storetest.MustOpen(t)
				path2, _ := c.write(t, t.TempDir(), format, append([]string{"not_" + missing}, c.header[1:]...))
				r = only(t, ingest(t, st2, path2))
				if r.Status != Rejected || !strings.Contains(r.Err.Error(), "missing required column "+missing) {
					t.Fatalf("missing %s: %s %v", missing, r.Status, r.Err)
				}
				table := string(c.kind)
				storetest.AssertRows(t, storetest.Query(t, st2.DB, fmt.Sprintf("SELECT count(*) FROM %s", table)), "0")
			})
		}
	}
}
