package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/marcboeker/go-duckdb"

	queries "stcrecon/sql"
)

// decimalText writes a DECIMAL exactly, with its scale: 6.600.
func decimalText(d duckdb.Decimal) string {
	s := d.Value.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= int(d.Scale) {
		s = "0" + s
	}
	if d.Scale > 0 {
		s = s[:len(s)-int(d.Scale)] + "." + s[len(s)-int(d.Scale):]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MustOpenStore opens a fresh in-memory store with the full schema.
func MustOpenStore(tb testing.TB) *Store {
	tb.Helper()
	st, err := Open(context.Background(), "", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// testNow is the ingest time tests use, so defaults are predictable.
var testNow = time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC)

func newIngester(st *Store) *Ingester {
	return &Ingester{Store: st, Now: func() time.Time { return testNow }}
}

// writeFile writes content into dir/name and returns the path.
func writeFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// ingest loads the paths and fails the test on a program error.
func ingest(tb testing.TB, st *Store, paths ...string) []FileResult {
	tb.Helper()
	res, err := newIngester(st).Ingest(context.Background(), paths)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// query returns every row of q as text cells joined by '|', one string a row.
func query(tb testing.TB, db *sql.DB, q string, args ...any) []string {
	tb.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		cells := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				cells[i] = "NULL"
			case duckdb.Decimal:
				cells[i] = decimalText(x)
			case time.Time:
				if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
					cells[i] = x.Format("2006-01-02")
				} else {
					cells[i] = x.Format("2006-01-02 15:04:05")
				}
			default:
				cells[i] = fmt.Sprint(x)
			}
		}
		out = append(out, strings.Join(cells, "|"))
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func assertRows(tb testing.TB, got []string, want ...string) {
	tb.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		tb.Fatalf("rows differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestOpenCreatesTheWholeSchema(t *testing.T) {
	st := MustOpenStore(t)
	ms, err := queries.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v != ms[len(ms)-1].Version {
		t.Fatalf("schema version %d, want %d", v, ms[len(ms)-1].Version)
	}
}

func TestOpenUpgradesAnOlderStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	// An older store: only the first migration applied.
	st, err := Open(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.Exec("DELETE FROM schema_version WHERE version > 1"); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"DROP VIEW claim_serials_current", "DROP VIEW claims_current",
		"DROP VIEW inverter_ledger_current", "DROP VIEW panel_ledger_current",
		"DROP TABLE findings", "DROP TABLE claim_results", "DROP TABLE audit_runs", "DROP SEQUENCE audit_run_seq"} {
		if _, err := st.DB.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.DB.Query("SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro' AND NOT internal")
	if err != nil {
		t.Fatal(err)
	}
	var macros []string
	for rows.Next() {
		var m string
		rows.Scan(&m)
		macros = append(macros, m)
	}
	rows.Close()
	for _, m := range macros {
		if _, err := st.DB.Exec("DROP MACRO " + m); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	st, err = Open(ctx, path, "")
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	assertRows(t, query(t, st.DB, "SELECT version FROM schema_version ORDER BY version"), "1", "2", "3", "4")
	assertRows(t, query(t, st.DB, "SELECT count(*) FROM audit_runs"), "0")
}

func TestQuoteLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"a.csv":        "'a.csv'",
		"it's.csv":     "'it''s.csv'",
		"''":           "''''''",
		"/tmp/x y.csv": "'/tmp/x y.csv'",
	} {
		if got := quoteLiteral(in); got != want {
			t.Errorf("quoteLiteral(%q) = %s, want %s", in, got, want)
		}
	}
	// And DuckDB reads it back as the same text.
	st := MustOpenStore(t)
	var got string
	if err := st.DB.QueryRow("SELECT " + quoteLiteral("it's ; -- x")).Scan(&got); err != nil || got != "it's ; -- x" {
		t.Fatalf("round trip: %q, %v", got, err)
	}
}
