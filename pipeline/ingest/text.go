package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marcboeker/go-duckdb"
	"golang.org/x/text/unicode/norm"
)

// Text rules of data contract §1: text is NFKC-normalised; every Unicode
// space and zero-width character counts as white space; a cell holding a NUL
// or another control character (other than a line break inside a quoted
// cell) is a reject. DuckDB has no NFKC, so this is done in Go, once per
// distinct cell value that is not plain printable ASCII, and only for files
// whose byte scan saw such a byte: an ASCII-only file costs nothing more.

// oddBytes reports whether b holds a byte that is not printable ASCII, other
// than a line feed or carriage return: a byte of a non-ASCII character, or a
// control character. It looks at eight bytes at a time.
func oddBytes(b []byte) bool {
	const hi, low = 0x8080808080808080, 0x2020202020202020
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// a high bit set, a byte below 0x20 (w-low borrows into its high
		// bit), or DEL (0x7F+1 sets its high bit); the bytes are checked one by
		// one only then (line ends make it so about once a line).
		if w&hi != 0 || (w-low)&^w&hi != 0 || (w+0x0101010101010101)&hi != 0 {
			if oddSlow(b[i : i+8]) {
				return true
			}
		}
	}
	return oddSlow(b[i:])
}

func oddSlow(b []byte) bool {
	for _, c := range b {
		if c >= 0x7F || (c < 0x20 && c != '\n' && c != '\r') {
			return true
		}
	}
	return false
}

// zeroWidth are the characters that count as white space though they take no room.
func zeroWidth(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u180E':
		return true
	}
	return false
}

// normText NFKC-normalises s and turns every Unicode space and zero-width
// character into a plain space. ctl is the first control character (other
// than a line break), or a bidirectional or other invisible format character,
// found: such a cell is a reject. ok is false then.
func normText(s string) (out string, ctl rune, ok bool) {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteRune(r)
		case r == utf8.RuneError:
			b.WriteRune(r)
		case unicode.IsControl(r):
			return "", r, false
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || zeroWidth(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cf, r):
			return "", r, false
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), 0, true
}

// normaliseStage makes stage from the staged rows in the table or view
// from: every cell that is not plain printable ASCII goes through normText
// (once per distinct value, in SQL: textFunctions), and the rows with a
// control character are left out, their rejects in scan_rejects (rejects.go),
// each naming the row's first bad cell in the layout's order. It returns how
// many rejects. stage is a view of from when no cell changes (an accented
// name is NFKC already); otherwise a table, written once. Nothing here
// gathers the values in Go, and nothing is updated in place: a file whose
// every serial is in full-width letters has millions of them, and an UPDATE
// of 6M cells took 0.3-0.45 GB beyond DuckDB's memory_limit. copied says
// whether stage is a table (from is then no longer needed).
func normaliseStage(ctx context.Context, conn *sql.Conn, l Layout, from string) (bad int64, copied bool, err error) {
	type fixed struct {
		col, header, fixes string // the column, its header, its table of fixes
		rejects            bool
	}
	var cols []fixed
	for i, c := range l.Columns {
		if l.Pos[i] < 0 {
			continue
		}
		// c.Name is one of the contract's column names, never file text;
		// from is one of the code's table names.
		f := fixed{col: c.Name, header: l.Header[l.Pos[i]], fixes: "text_fix_" + c.Name}
		var n, rejects int64
		// The distinct values are a table first: in one statement, DuckDB
		// called the functions on every row (6M calls, 8 s), not on the
		// distinct values.
		err := conn.QueryRowContext(ctx, `CREATE OR REPLACE TEMP TABLE text_odd AS
				SELECT DISTINCT `+c.Name+` AS raw FROM `+from+` WHERE regexp_matches(`+c.Name+`, '[^\x20-\x7E\r\n]');
			CREATE OR REPLACE TEMP TABLE `+f.fixes+` AS
				SELECT raw, stcrecon_text_norm(raw) AS norm, stcrecon_text_reject(raw) AS reason
				FROM text_odd WHERE norm IS DISTINCT FROM raw;
			DROP TABLE text_odd;
			SELECT count(*), count(reason) FROM `+f.fixes).Scan(&n, &rejects)
		if err != nil {
			return 0, false, fmt.Errorf("normalise %s: %w", c.Name, err)
		}
		if n == 0 {
			if err := dropTables(ctx, conn, f.fixes); err != nil {
				return 0, false, err
			}
			continue
		}
		f.rejects = rejects > 0
		cols = append(cols, f)
	}
	if len(cols) == 0 {
		_, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP VIEW stage AS SELECT * FROM `+from)
		return 0, false, err
	}
	for _, f := range cols {
		if !f.rejects {
			continue
		}
		if err := rejectsTable(ctx, conn); err != nil {
			return 0, false, err
		}
		// a row rejected at an earlier column is not rejected again
		r, err := conn.ExecContext(ctx, `INSERT INTO scan_rejects SELECT s.line, ?, f.raw, f.reason
			FROM `+from+` s JOIN `+f.fixes+` f ON s.`+f.col+` = f.raw
			WHERE f.reason IS NOT NULL AND NOT EXISTS (SELECT 1 FROM scan_rejects r WHERE r.line = s.line)`, f.header)
		if err != nil {
			return 0, false, fmt.Errorf("normalise %s: %w", f.col, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return 0, false, err
		}
		bad += n
	}
	// stage: every column, the fixed ones through their fixes
	var sel, joins strings.Builder
	sel.WriteString("s.line")
	for _, c := range l.Columns {
		expr := "s." + c.Name
		for j, f := range cols {
			if f.col == c.Name {
				expr = fmt.Sprintf("coalesce(f%d.norm, s.%s)", j, c.Name)
				fmt.Fprintf(&joins, " LEFT JOIN %s f%d ON s.%s = f%d.raw", f.fixes, j, c.Name, j)
			}
		}
		fmt.Fprintf(&sel, ", %s AS %s", expr, c.Name)
	}
	where := ""
	if bad > 0 {
		where = " WHERE NOT EXISTS (SELECT 1 FROM scan_rejects r WHERE r.line = s.line)"
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage AS SELECT `+sel.String()+` FROM `+from+` s`+joins.String()+where); err != nil {
		return 0, false, fmt.Errorf("normalise: %w", err)
	}
	var drop []string
	for _, f := range cols {
		drop = append(drop, f.fixes)
	}
	return bad, true, dropTables(ctx, conn, drop...)
}

// textFunctions registers, once a database and outside any transaction (a
// rollback would take them back), the scalar functions that apply normText in
// SQL: stcrecon_text_norm(v) is v normalised, or NULL when v holds a control
// character; stcrecon_text_reject(v) is then the reason.
func textFunctions(ctx context.Context, conn *sql.Conn) error {
	for _, f := range []struct {
		name string
		fn   textFunc
	}{
		{"stcrecon_text_norm", func(v string) any {
			if n, _, ok := normText(v); ok {
				return n
			}
			return nil
		}},
		{"stcrecon_text_reject", func(v string) any {
			if _, ctl, ok := normText(v); !ok {
				return fmt.Sprintf("holds the control character U+%04X: a cell must be text (a line break is allowed only inside a quoted cell)", ctl)
			}
			return nil
		}},
	} {
		// registered already: by an earlier run on this database, or (if
		// registering fails) by a run beside this one
		registered := func() (bool, error) {
			var n int
			err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_functions() WHERE function_name = ?`, f.name).Scan(&n)
			return n > 0, err
		}
		ok, err := registered()
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		if err := duckdb.RegisterScalarUDF(conn, f.name, &f.fn); err != nil {
			if ok, _ := registered(); !ok {
				return fmt.Errorf("%s: %w", f.name, err)
			}
		}
	}
	return nil
}

// textFunc is a scalar function of one VARCHAR to a VARCHAR (a string, or nil
// for NULL).
type textFunc func(string) any

func (f textFunc) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v}, ResultTypeInfo: v}
}

func (f textFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) { return f(v[0].(string)), nil }}
}
