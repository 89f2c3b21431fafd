package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/marcboeker/go-duckdb"
	"github.com/xuri/excelize/v2"
)

// appenderFlushRows bounds the rows the Appender caches before a flush.
const appenderFlushRows = 200_000

var excelSerial = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// stageXLSX streams the first visible sheet of a workbook, row by row
// through excelize's iterator, into the temp table stage_read with the DuckDB
// Appender. Cells are read raw (a long serial stays its digits, not
// 1.23457E+11), and a date column's Excel date number becomes YYYY-MM-DD text
// in the workbook's date system (1900 or 1904). A row with a formula cell that
// has no cached value is a reject, returned. The workbook's declared sizes are
// checked against a memory budget before excelize opens it.
func (in *Ingester) stageXLSX(ctx context.Context, conn *sql.Conn, path string, kind Kind, name string) (Layout, []Reject, error) {
	var l Layout
	wz, err := openWorkbookZip(path)
	if err != nil {
		return l, nil, err
	}
	defer wz.Close()
	f, err := excelize.OpenFile(path, excelizeOptions())
	if err != nil {
		return l, nil, &FileError{Msg: "not a readable XLSX workbook: " + err.Error()}
	}
	defer f.Close()
	sheet, err := dataSheet(ctx, f)
	if err != nil {
		return l, nil, err
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	uncached, err := wz.uncachedFormulas(ctx, sheet)
	if err != nil {
		if ctx.Err() != nil {
			return l, nil, ctx.Err()
		}
		return l, nil, &FileError{Msg: fmt.Sprintf("sheet %q: %v", sheet, err)}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return l, nil, &FileError{Msg: fmt.Sprintf("sheet %q: %v", sheet, err)}
	}
	defer rows.Close()
	var header []string
	var headerLine int64
	for line := int64(1); rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return l, nil, &FileError{Line: line, Msg: err.Error()}
		}
		if !blankRow(cells) {
			header, headerLine = cells, line
			break
		}
	}
	if header == nil {
		return l, nil, &FileError{Msg: fmt.Sprintf("sheet %q is empty: no header row", sheet)}
	}
	if l, err = ResolveHeader(kind, header); err != nil {
		return l, nil, headerError(err)
	}
	var cols strings.Builder
	cols.WriteString("line BIGINT")
	for _, c := range l.Columns {
		fmt.Fprintf(&cols, ", %s VARCHAR", c.Name)
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE stage_read ("+cols.String()+")"); err != nil {
		return l, nil, err
	}
	var bad []Reject
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "stage_read")
		if err != nil {
			return err
		}
		row := make([]driver.Value, len(l.Columns)+1)
		n := 0
	rowLoop:
		for line := headerLine + 1; rows.Next(); line++ {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				app.Close()
				return &FileError{Line: line, Msg: err.Error()}
			}
			if blankRow(cells) {
				continue
			}
			row[0] = line
			if size, longest := rowBytes(cells); size > maxRowBytes {
				r := Reject{Line: line, Col: longest + 1,
					Reason: fmt.Sprintf("row is %s long, more than %s: a cell this long is not data (not loaded)", sizeText(size), sizeText(maxRowBytes))}
				if longest < len(l.Header) {
					r.Column = l.Header[longest]
				}
				bad = append(bad, r)
				continue
			}
			for i, c := range l.Columns {
				row[i+1] = nil
				p := l.Pos[i]
				if p < 0 {
					continue
				}
				if len(uncached) > 0 {
					ref, _ := excelize.CoordinatesToCellName(p+1, int(line))
					if uncached[ref] {
						bad = append(bad, Reject{Line: line, Col: p + 1, Column: l.Header[p],
							Reason: "cell " + ref + " holds a formula with no cached value (the workbook was saved without calculating): open and save it in a spreadsheet, or paste values"})
						continue rowLoop
					}
				}
				if p < len(cells) {
					v := cells[p]
					if c.Date && excelSerial.MatchString(v) {
						v = excelDate(v, date1904)
					}
					row[i+1] = v
				}
			}
			if err := app.AppendRow(row...); err != nil {
				app.Close()
				return err
			}
			if n++; n%appenderFlushRows == 0 {
				if err := app.Flush(); err != nil {
					app.Close()
					return err
				}
				if err := ctx.Err(); err != nil {
					app.Close()
					return err
				}
				in.log().Info("ingest: reading", "file", name, "rows", n)
			}
		}
		if err := rows.Error(); err != nil {
			app.Close()
			return &FileError{Msg: "reading the sheet: " + err.Error()}
		}
		return app.Close()
	})
	return l, bad, err
}

// dataSheet is the sheet to read: the first visible one. Hidden and very
// hidden sheets are skipped; a workbook with data on another visible sheet
// too is rejected, as which one is meant is ambiguous.
func dataSheet(ctx context.Context, f *excelize.File) (string, error) {
	var visible []string
	for _, s := range f.GetSheetList() {
		v, err := f.GetSheetVisible(s)
		if err != nil {
			return "", &FileError{Msg: fmt.Sprintf("sheet %q: %v", s, err)}
		}
		if v {
			visible = append(visible, s)
		}
	}
	if len(visible) == 0 {
		return "", &FileError{Msg: "the workbook has no visible sheet"}
	}
	for _, s := range visible[1:] {
		has, err := sheetHasData(ctx, f, s)
		if err != nil {
			return "", err
		}
		if has {
			return "", &FileError{Msg: fmt.Sprintf("data on more than one visible sheet (%q and %q): which one is meant is ambiguous; keep one visible sheet of data", visible[0], s)}
		}
	}
	return visible[0], nil
}

// sheetHasData reports whether a sheet has a non-blank cell.
func sheetHasData(ctx context.Context, f *excelize.File, sheet string) (bool, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return false, &FileError{Msg: fmt.Sprintf("sheet %q: %v", sheet, err)}
	}
	defer rows.Close()
	for n := 0; rows.Next(); n++ {
		if n%10000 == 0 {
			if err := ctx.Err(); err != nil {
				return false, err
			}
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return false, &FileError{Msg: fmt.Sprintf("sheet %q: %v", sheet, err)}
		}
		if !blankRow(cells) {
			return true, nil
		}
	}
	return false, rows.Error()
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// excelDate turns an Excel date number (days since 1899-12-30, or since
// 1904-01-01 in the 1904 date system) into YYYY-MM-DD, or an ISO timestamp
// when it has a time of day.
func excelDate(v string, date1904 bool) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return v
	}
	if f == float64(int64(f)) {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04:05")
}

// rowBytes is the bytes of a row's cells, as maxRowBytes counts them, and
// the position of its longest cell (the one a reject of the row names).
func rowBytes(cells []string) (n int64, longest int) {
	for i, c := range cells {
		n += int64(len(c))
		if len(c) > len(cells[longest]) {
			longest = i
		}
	}
	return n, longest
}
