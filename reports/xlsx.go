package reports

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/xuri/excelize/v2"
)

// styles are the cell styles every workbook of stcrecon uses.
type styles struct {
	header, headerNum, title, bold, date, datetime, integer, decimal, percent, note, text, wrap int
}

func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	fmtDate, fmtDateTime, fmtInt, fmtDec, fmtPct := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "#,##0", "#,##0.000", "0.0%"
	for _, x := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#D9E1F2"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "#8EA9DB", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "bottom", WrapText: true}}},
		{&s.headerNum, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#D9E1F2"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "#8EA9DB", Style: 1}},
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "bottom", WrapText: true}}},
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.date, excelize.Style{CustomNumFmt: &fmtDate, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}},
		{&s.datetime, excelize.Style{CustomNumFmt: &fmtDateTime, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}},
		{&s.integer, excelize.Style{CustomNumFmt: &fmtInt, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.decimal, excelize.Style{CustomNumFmt: &fmtDec, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.percent, excelize.Style{CustomNumFmt: &fmtPct, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.text, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.wrap, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Italic: true, Color: "#595959"}}},
	} {
		id, err := f.NewStyle(&x.style)
		if err != nil {
			return nil, err
		}
		*x.id = id
	}
	return &s, nil
}

// cell gives a value its typed, styled cell: integers and decimals as
// numbers, dates and times as date cells, text as text (never a formula).
func (s *styles) cell(v any, isShare bool) any {
	if c, ok := s.typed(v, isShare); ok {
		return c
	}
	return v
}

// typed is cell for the values it styles (ok false: nil and other types,
// which cell returns as they are).
func (s *styles) typed(v any, isShare bool) (excelize.Cell, bool) {
	switch x := v.(type) {
	case int64:
		return excelize.Cell{StyleID: s.integer, Value: x}, true
	case float64:
		if isShare {
			return excelize.Cell{StyleID: s.percent, Value: x}, true
		}
		return excelize.Cell{StyleID: s.decimal, Value: x}, true
	case date:
		return excelize.Cell{StyleID: s.date, Value: time.Time(x)}, true
	case time.Time:
		return excelize.Cell{StyleID: s.datetime, Value: x}, true
	case string:
		if len(x) > maxColWidth-2 && utf8.RuneCountInString(x) > maxColWidth-2 {
			return excelize.Cell{StyleID: s.wrap, Value: x}, true
		}
		return excelize.Cell{StyleID: s.text, Value: x}, true
	}
	return excelize.Cell{}, false
}

// width is the column width that shows v whole.
func width(v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case date:
		return 10
	case time.Time:
		return 19
	case int64:
		n := len(text(x))
		return n + (n-1)/3
	case float64:
		return len(fmt.Sprintf("%.3f", x)) + 2
	case string:
		return utf8.RuneCountInString(x)
	}
	return len(text(v))
}

// maxColWidth keeps a long detail column from pushing a printed row onto
// pages of its own; the cell is still whole in the sheet.
const maxColWidth = 50

// label is how a column is headed in a sheet: its name with spaces for
// underscores, so a long name wraps onto a second line instead of widening
// the column (the CSV and Parquet files keep the name).
func label(name string) string { return strings.ReplaceAll(name, "_", " ") }

func longestWord(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, utf8.RuneCountInString(w))
	}
	return n
}

// wrappedLines is how many lines a text cell takes in a column of the widest
// width, wrapped at spaces.
func wrappedLines(t string) int {
	if len(t) <= maxColWidth-2 {
		return 1 // no more runes than bytes
	}
	perLine := maxColWidth + 10 // average text is narrower than the width unit (a digit)
	n := utf8.RuneCountInString(t)
	if n <= maxColWidth-2 {
		return 1
	}
	return (n + perLine - 1) / perLine
}

func fitWidth(n int) float64 {
	w := float64(n) + 2
	if w < 8 {
		w = 8
	}
	if w > maxColWidth {
		w = maxColWidth
	}
	return w
}

// sheet streams one table into its own worksheet, laid out the same way
// everywhere: bold header frozen on top with a filter, widths fitted to the
// content, typed cells, and a print set-up that fits a row across a
// landscape page and repeats the header on every page.
type sheet struct {
	f      *excelize.File
	st     *styles
	name   string
	header []string
	widths []int
	shares map[int]bool // columns holding a share (0.0 %)
	sw     *excelize.StreamWriter
	row    int
	// the row add passes to the stream writer, reused (SetRow keeps none of it)
	buf   []any
	cells []excelize.Cell
}

// numeric marks the columns that hold numbers, whose headers are right-aligned
// over them.
// labelled heads the columns with label(name) instead of the names
// themselves (for the wide sheets of the audit workbook, read by people;
// tables that other tools read keep their column names).
func newSheet(f *excelize.File, st *styles, name string, header []string, widths []int, numeric []bool, labelled bool) (*sheet, error) {
	s, err := openSheet(f, st, name)
	if err != nil {
		return nil, err
	}
	return s, s.begin(header, widths, numeric, labelled)
}

// openSheet adds the sheet and its stream writer to the file; begin writes
// its header. Between the two, nothing but the sheet's own stream writer is
// touched, so a sheet may begin in a goroutine of its own.
func openSheet(f *excelize.File, st *styles, name string) (*sheet, error) {
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	if err := printSetup(f, name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	return &sheet{f: f, st: st, name: name, sw: sw, shares: map[int]bool{}}, nil
}

// begin sets the column widths (the wider of the header and widths), the
// frozen header row, and writes the header.
func (s *sheet) begin(header []string, widths []int, numeric []bool, labelled bool) error {
	s.header, s.widths = header, widths
	st, sw := s.st, s.sw
	for i, h := range header {
		w := utf8.RuneCountInString(h) + 3 // room for the filter button
		if labelled {
			w = longestWord(label(h)) + 3 // the label wraps
		}
		if i < len(widths) && widths[i] > w {
			w = widths[i]
		}
		if err := sw.SetColWidth(i+1, i+1, fitWidth(w)); err != nil {
			return err
		}
		if len(h) > 6 && h[len(h)-6:] == "_share" || h == "share" {
			s.shares[i] = true
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(header))
	for i, h := range header {
		style := st.header
		if i < len(numeric) && numeric[i] {
			style = st.headerNum
		}
		if labelled {
			h = label(h)
		}
		head[i] = excelize.Cell{StyleID: style, Value: h}
	}
	s.row = 1
	if labelled {
		return sw.SetRow("A1", head, excelize.RowOpts{Height: 30})
	}
	return sw.SetRow("A1", head)
}

// sheetRowLimit is the most rows a sheet holds (Excel's limit; tests lower it).
var sheetRowLimit = xlsxMaxRows

// add writes one row; past the sheet's row limit it writes, once, where the
// full table is, and drops the rest.
func (s *sheet) add(vals []any, fullCopy string) error {
	s.row++
	if s.row > sheetRowLimit {
		return nil
	}
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	if s.row == sheetRowLimit {
		return s.sw.SetRow(cell, []any{excelize.Cell{StyleID: s.st.note,
			Value: fmt.Sprintf("more rows than a sheet holds: the full table is %s", fullCopy)}})
	}
	if len(s.buf) < len(vals) {
		s.buf, s.cells = make([]any, len(vals)), make([]excelize.Cell, len(vals))
	}
	row := s.buf[:len(vals)]
	lines := 1
	for i, v := range vals {
		if c, ok := s.st.typed(v, s.shares[i]); ok {
			s.cells[i] = c
			row[i] = &s.cells[i]
		} else {
			row[i] = v
		}
		if t, ok := v.(string); ok {
			if n := wrappedLines(t); n > lines {
				lines = n
			}
		}
	}
	if lines > 1 {
		// Wrapped text needs a taller row; spreadsheets do not all fit it. A
		// row is at most MaxRowHeight (409 pt, about 28 lines) tall: the rest
		// of a longer text scrolls in its cell. excelize refuses a taller
		// row, and the whole files step would fail with it.
		return s.sw.SetRow(cell, row, excelize.RowOpts{Height: min(14.5*float64(lines), excelize.MaxRowHeight)})
	}
	return s.sw.SetRow(cell, row)
}

// close puts the filter on the sheet's header and flushes the sheet. The
// filter is set while the stream writer still holds the sheet, so Flush
// writes it: set after Flush, excelize would read the whole streamed XML back
// to set it (a second of CPU for a 5 MB sheet), encode it again on saving,
// and still save the streamed XML, without the filter.
func (s *sheet) close() error {
	last := s.row
	if last > sheetRowLimit-1 {
		last = sheetRowLimit - 1
	}
	end, _ := excelize.CoordinatesToCellName(len(s.header), last)
	if err := s.f.AutoFilter(s.name, "A1:"+end, nil); err != nil {
		return err
	}
	if err := s.sw.Flush(); err != nil {
		return err
	}
	return s.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + s.name + "'!$1:$1", Scope: s.name})
}

// printSetup fits a row across a landscape A4 page; pages run downwards.
func printSetup(f *excelize.File, name string) error {
	landscape, a4, one, free := "landscape", 9, 1, 0
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &free}); err != nil {
		return err
	}
	fit := true
	return f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit})
}

// writeTableSheet writes a report table to its own sheet.
func writeTableSheet(f *excelize.File, st *styles, name string, t *Table) error {
	widths := make([]int, t.Schema.NumFields())
	numeric := make([]bool, len(widths))
	for i, fd := range t.Schema.Fields() {
		numeric[i] = arrow.IsInteger(fd.Type.ID()) || arrow.IsFloating(fd.Type.ID()) || arrow.IsDecimal(fd.Type.ID())
	}
	if err := t.Each(func(row []any) error {
		for i, v := range row {
			if w := width(v); w > widths[i] {
				widths[i] = w
			}
		}
		return nil
	}); err != nil {
		return err
	}
	s, err := newSheet(f, st, name, t.Header(), widths, numeric, false)
	if err != nil {
		return err
	}
	if err := t.Each(func(row []any) error { return s.add(row, t.Name+".csv") }); err != nil {
		return err
	}
	return s.close()
}
