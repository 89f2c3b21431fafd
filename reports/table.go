package reports

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/marcboeker/go-duckdb"

	queries "stcrecon/sql"
)

// Table is one report table, built once from its SQL file as Arrow records
// through go-duckdb's Arrow interface, then handed as it is to every writer
// (CSV, workbook sheet), so each table is defined in exactly one place and its
// column types (integers, dates, text) travel with it. The Arrow interface
// materialises the whole result, which is right for report-sized tables
// (hundreds of rows), not for a million findings: those are streamed instead.
type Table struct {
	Name    string // the file's base name: by_rule → by_rule.csv, sheet "by_rule"
	Schema  *arrow.Schema
	Records []arrow.Record
}

// date is a DATE cell; a time.Time cell is a timestamp.
type date time.Time

// queryTable runs sql/reports/<file> on conn (where report_scope and the
// other temp tables of the report live) and keeps the result as Arrow records.
func queryTable(ctx context.Context, conn *sql.Conn, name, file string, args ...any) (*Table, error) {
	q, err := queries.Get("reports/" + file)
	if err != nil {
		return nil, err
	}
	t, err := queryArrow(ctx, conn, name, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sql/reports/%s: %w", file, err)
	}
	return t, nil
}

// queryArrow runs the query q on conn and keeps the result as Arrow records.
func queryArrow(ctx context.Context, conn *sql.Conn, name, q string, args ...any) (*Table, error) {
	t := &Table{Name: name}
	err := conn.Raw(func(dc any) error {
		dconn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(dconn)
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rr.Release()
		t.Schema = rr.Schema()
		for rr.Next() {
			rec := rr.Record()
			rec.Retain()
			t.Records = append(t.Records, rec)
		}
		return rr.Err()
	})
	if err != nil {
		t.Release()
		return nil, err
	}
	return t, nil
}

// Release frees the records.
func (t *Table) Release() {
	for _, r := range t.Records {
		r.Release()
	}
	t.Records = nil
}

// Header is the column names.
func (t *Table) Header() []string {
	out := make([]string, t.Schema.NumFields())
	for i, f := range t.Schema.Fields() {
		out[i] = f.Name
	}
	return out
}

// NumRows counts the rows.
func (t *Table) NumRows() int64 {
	var n int64
	for _, r := range t.Records {
		n += r.NumRows()
	}
	return n
}

// Each calls fn with every row as Go values: nil, int64, float64, string,
// bool, date or time.Time. The slice is reused between calls.
func (t *Table) Each(fn func(row []any) error) error {
	row := make([]any, t.Schema.NumFields())
	for _, rec := range t.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			for c := range row {
				v, err := cellOf(rec.Column(c), i)
				if err != nil {
					return fmt.Errorf("%s.%s: %w", t.Name, t.Schema.Field(c).Name, err)
				}
				row[c] = v
			}
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	return nil
}

// Column returns column name's values, for tests and charts.
func (t *Table) Column(name string) ([]any, error) {
	idx := t.Schema.FieldIndices(name)
	if len(idx) != 1 {
		return nil, fmt.Errorf("%s: no column %q", t.Name, name)
	}
	var out []any
	err := t.Each(func(row []any) error {
		out = append(out, row[idx[0]])
		return nil
	})
	return out, err
}

func cellOf(col arrow.Array, i int) (any, error) {
	if col.IsNull(i) {
		return nil, nil
	}
	switch a := col.(type) {
	case *array.Int64:
		return a.Value(i), nil
	case *array.Int32:
		return int64(a.Value(i)), nil
	case *array.Int16:
		return int64(a.Value(i)), nil
	case *array.Int8:
		return int64(a.Value(i)), nil
	case *array.Uint64:
		return int64(a.Value(i)), nil
	case *array.Uint32:
		return int64(a.Value(i)), nil
	case *array.Float64:
		return a.Value(i), nil
	case *array.Float32:
		return float64(a.Value(i)), nil
	case *array.String:
		// a copy: Value points into the record's buffer, freed on Release,
		// and a workbook keeps its cells' text until it is saved
		return strings.Clone(a.Value(i)), nil
	case *array.LargeString:
		return strings.Clone(a.Value(i)), nil
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Date32:
		return date(a.Value(i).ToTime()), nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit), nil
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return a.Value(i).ToFloat64(scale), nil
	}
	return nil, fmt.Errorf("column type %s is not supported in reports", col.DataType())
}

// text is how a cell reads in a CSV file.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case date:
		return time.Time(x).Format(time.DateOnly)
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05Z")
	}
	return fmt.Sprint(v)
}
