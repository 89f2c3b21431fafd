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

// stageXLSX streams the first sheet of a workbook, row by row through
// excelize's iterator, into the temp table stage with the DuckDB Appender.
// Cells are read raw (a long serial stays its digits, not 1.23457E+11), and a
// date column's Excel date number becomes YYYY-MM-DD text.
func (in *Ingester) stageXLSX(ctx context.Context, conn *sql.Conn, path string, kind Kind, name string) (Layout, error) {
	var l Layout
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return l, &FileError{Msg: "not a readable XLSX workbook: " + err.Error()}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return l, &FileError{Msg: "the workbook has no sheet"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return l, &FileError{Msg: fmt.Sprintf("sheet %q: %v", sheets[0], err)}
	}
	defer rows.Close()
	var header []string
	var headerLine int64
	for line := int64(1); rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return l, &FileError{Line: line, Msg: err.Error()}
		}
		if !blankRow(cells) {
			header, headerLine = cells, line
			break
		}
	}
	if header == nil {
		return l, &FileError{Msg: "the first sheet is empty: no header row"}
	}
	if l, err = ResolveHeader(kind, header); err != nil {
		return l, headerError(err)
	}
	var cols strings.Builder
	cols.WriteString("line BIGINT")
	for _, c := range l.Columns {
		fmt.Fprintf(&cols, ", %s VARCHAR", c.Name)
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE stage ("+cols.String()+")"); err != nil {
		return l, err
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "stage")
		if err != nil {
			return err
		}
		row := make([]driver.Value, len(l.Columns)+1)
		n := 0
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
			for i, c := range l.Columns {
				row[i+1] = nil
				if p := l.Pos[i]; p >= 0 && p < len(cells) {
					v := cells[p]
					if c.Date && excelSerial.MatchString(v) {
						v = excelDate(v)
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
	return l, err
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// excelDate turns an Excel date number (days since 1899-12-30) into
// YYYY-MM-DD, or an ISO timestamp when it has a time of day.
func excelDate(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return v
	}
	if f == float64(int64(f)) {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04:05")
}
