package reports

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The long sheets' rows written apart (rowsXML) and put into the sheet as
// the workbook is saved are byte for byte the XML excelize's stream writer
// writes for them: a sheet of every kind of value a long sheet holds, edge
// cases included, saved both ways, the two files' parts compared.
func TestRowsXMLAsExcelize(t *testing.T) {
	day := func(y int, m time.Month, d int) date { return date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) }
	long := strings.Repeat("é😀x", 12000) // more UTF-16 units than a cell holds
	rows := [][]any{
		{"PVD1", int64(0), 0.1, day(2025, 3, 1), time.Date(2025, 3, 1, 12, 30, 0, 5, time.UTC), true, nil},
		{"", int64(-5), 1.0 / 3, day(1900, 2, 28), time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC), false, "x"},
		{" lead", int64(math.MaxInt64), 1e20, day(1900, 3, 1), time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.FixedZone("AEST", 10*3600)), nil, nil},
		{"trail ", int64(math.MinInt64), 123456789012345678.0, day(1899, 12, 31), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), nil, "\r"},
		{"\ttab", int64(7), math.NaN(), day(2000, 1, 1), nil, nil, "\n"},
		{"a\nb\r\nc", nil, math.Inf(1), nil, nil, nil, " "},
		{`x&y<z>"'`, int64(1), math.Inf(-1), day(1, 1, 1), nil, nil, "&#xA; literal"},
		{"_x000D_ _x005F_x0041_ a_x0041_b _x005F_ _x12G4_ _X0041_", int64(2), -2.5, nil, nil, nil, nil},
		{"\xff\x01 not UTF-8, a control", int64(3), 1234567.891, nil, nil, nil, nil},
		{"4", int64(4), 0.000001234567890123456, nil, nil, nil, nil},
		{strings.Repeat("a long detail that wraps ", 20), int64(5), 6.8, nil, nil, nil, strings.Repeat("z", 60)},
		{strings.Repeat("more than fits ", 200), int64(6), 1e-7, nil, nil, nil, nil},
		{"past the row limit: the note", int64(7), 0.5, nil, nil, nil, nil},
		{"dropped", int64(8), 0.5, nil, nil, nil, nil},
	}
	header := []string{"text", "count", "kw", "on", "at", "yes", "share"}
	defer func(n int) { sheetRowLimit = n }(sheetRowLimit)
	sheetRowLimit = len(rows) // the last row written is the note

	dir := t.TempDir()
	write := func(name string, apart bool) string {
		t.Helper()
		f := excelize.NewFile()
		defer f.Close()
		st, err := newStyles(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := newSheet(f, st, "Long", header, []int{50, 10, 10, 10, 19, 5, 20}, []bool{false, true, true}, true)
		if err != nil {
			t.Fatal(err)
		}
		parts := map[string]func(io.Writer) error{}
		if apart {
			if s.rows, err = newRowsXML(); err != nil {
				t.Fatal(err)
			}
			defer s.rows.close()
			parts[sheetPart(f, "Long")] = s.rows.writeTo
		}
		for i, r := range rows {
			if err := s.add(r, "long.csv"); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				// text cut to the most a cell holds, in a row of the
				// default height (add would make it taller than a row can be)
				s.row++
				if err := s.setRow([]any{&excelize.Cell{StyleID: st.wrap, Value: long}, long}, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.close(); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := saveXLSX(f, path, parts); err != nil {
			t.Fatal(err)
		}
		return path
	}
	want, got := readParts(t, write("stream.xlsx", false)), readParts(t, write("apart.xlsx", true))
	if len(got) != len(want) {
		t.Errorf("%d parts, want %d", len(got), len(want))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s missing", name)
		} else if !bytes.Equal(g, w) {
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Errorf("%s differs at byte %d:\n got  %.200q\n want %.200q", name, i, g[max(0, i-40):], w[max(0, i-40):])
		}
	}
	if sheet := string(want[sheetPart(excelizeOpen(t, filepath.Join(dir, "stream.xlsx")), "Long")]); !strings.Contains(sheet, "more rows than a sheet holds") ||
		strings.Contains(sheet, "dropped") || !strings.Contains(sheet, `xml:space="preserve"`) || !strings.Contains(sheet, "_x005F_x000D_") {
		t.Errorf("the sheet lacks a case it should show:\n%.2000s", sheet)
	}
}

func excelizeOpen(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readParts is every part of the zip file at path, by name.
func readParts(t *testing.T, path string) map[string][]byte {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// Rows for a part the workbook does not have are an error, not lost.
func TestRowsXMLForNoPart(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	err := saveXLSX(f, filepath.Join(t.TempDir(), "x.xlsx"),
		map[string]func(io.Writer) error{"xl/worksheets/sheet9.xml": func(io.Writer) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "sheet9.xml") {
		t.Errorf("saved: %v", err)
	}
}

// A row of the Findings sheet as the audit writes it (go test -bench RowsXML).
func BenchmarkRowsXML(b *testing.B) {
	x, err := newRowsXML()
	if err != nil {
		b.Fatal(err)
	}
	defer x.close()
	text := func(v string) *excelize.Cell { return &excelize.Cell{StyleID: 10, Value: v} }
	row := []any{text("PVD4025764"), text("panel.not_in_ledger"), text("error"), text("panel"), text("TS401040539913"),
		&excelize.Cell{StyleID: 5, Value: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}, text("3162"), text("VIC"),
		&excelize.Cell{StyleID: 8, Value: 6.8}, text("Trina"), text("TSM-425NEG9R.28"), text("Enphase IQ8PLUS-72-2-INT"),
		&excelize.Cell{StyleID: 7, Value: int64(7119)}, text("inside uploaded range"),
		&excelize.Cell{StyleID: 11, Value: "inside uploaded range TS401040539912..TS401040539914 of Solar Juice Pty Ltd; serial TS401040539913 is in no panel-ledger entry"}}
	for i := 0; i < b.N; i++ {
		if err := x.row(i+2, row, 0); err != nil {
			b.Fatal(err)
		}
	}
}
