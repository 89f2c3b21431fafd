// Package storetest has the helpers tests use to open a fresh store and read
// it back: an in-memory store with the full schema, rows as text, files
// written into a test folder, and a test run again in a child process that
// kills itself.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/marcboeker/go-duckdb"

	"stcrecon/pipeline/store"
)

// DecimalText writes a DECIMAL exactly, with its scale: 6.600.
func DecimalText(d duckdb.Decimal) string {
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

// MustOpen opens a fresh in-memory store with the full schema.
func MustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), "", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// OpenFile opens a fresh store file in a temporary folder, with set: for tests
// of what only a file has (its write-ahead log, checkpoints, spills).
func OpenFile(tb testing.TB, set store.Settings) *store.Store {
	tb.Helper()
	st, err := store.OpenWith(context.Background(), filepath.Join(tb.TempDir(), "s.duckdb"), set)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// Conn is a connection of db's own (its session settings and temp tables are
// its own), closed when the test ends.
func Conn(tb testing.TB, db *sql.DB) *sql.Conn {
	tb.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

// Now is the ingest and audit time tests use, so defaults are predictable.
var Now = time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC)

// WriteFile writes content into dir/name and returns the path.
func WriteFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// Queryer is a *sql.DB, a *sql.Conn (whose temp tables are its own) or a
// *sql.Tx.
type Queryer = store.Querier

// Query returns every row of q as text cells joined by '|', one string a row.
func Query(tb testing.TB, db Queryer, q string, args ...any) []string {
	tb.Helper()
	_, rows, err := store.QueryRows(context.Background(), db, q, args...)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	var out []string
	for _, vals := range rows {
		cells := make([]string, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				cells[i] = "NULL"
			case duckdb.Decimal:
				cells[i] = DecimalText(x)
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
	return out
}

// AssertRows fails the test unless got holds exactly the rows want, in order.
func AssertRows(tb testing.TB, got []string, want ...string) {
	tb.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		tb.Fatalf("rows differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// KilledChild runs the test named test again in a child process of the test
// binary, with env added to its environment, and fails tb unless the child
// ended by SIGKILL (a test that kills itself where a crash is to be tried,
// when it finds one of env's variables set).
func KilledChild(tb testing.TB, test string, env ...string) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	// the child's temp files (ingest's links and copies) are the test's
	cmd.Env = append(append(os.Environ(), "TMPDIR="+tb.TempDir()), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		tb.Fatalf("child: %v\n%s", err, out)
	}
}
