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

// normaliseStage applies normText to every cell of the temp table stage that
// is not plain printable ASCII, once per distinct value, and takes the rows
// with a control character out of stage: their rejects go to scan_rejects
// (rejects.go), each row's first bad cell in the layout's order, and it
// returns how many.
func normaliseStage(ctx context.Context, conn *sql.Conn, l Layout) (int64, error) {
	var n int64
	for i, c := range l.Columns {
		if l.Pos[i] < 0 {
			continue
		}
		// c.Name is one of the contract's column names, never file text.
		bad, err := normaliseColumn(ctx, conn, c.Name, l.Header[l.Pos[i]])
		if err != nil {
			return 0, fmt.Errorf("normalise %s: %w", c.Name, err)
		}
		n += bad
	}
	return n, dropTables(ctx, conn, "text_fix")
}

// normaliseColumn normalises the column col of stage (header in the file),
// and moves the rows whose cell in it holds a control character to
// scan_rejects: a later column no longer sees them.
func normaliseColumn(ctx context.Context, conn *sql.Conn, col, header string) (int64, error) {
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT `+col+` FROM stage WHERE regexp_matches(`+col+`, '[^\x20-\x7E\r\n]')`)
	if err != nil {
		return 0, err
	}
	type fix struct{ raw, norm, reason string }
	var fixes []fix
	bad := false
	reasons := map[rune]string{} // one string a control character, not one a value
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return 0, err
		}
		n, ctl, ok := normText(v)
		switch {
		case !ok:
			why, seen := reasons[ctl]
			if !seen {
				why = fmt.Sprintf("holds the control character U+%04X: a cell must be text (a line break is allowed only inside a quoted cell)", ctl)
				reasons[ctl] = why
			}
			fixes = append(fixes, fix{raw: v, reason: why})
			bad = true
		case n != v:
			fixes = append(fixes, fix{raw: v, norm: n})
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if len(fixes) == 0 {
		return 0, nil
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE text_fix (raw VARCHAR, norm VARCHAR, reason VARCHAR)`); err != nil {
		return 0, err
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "text_fix")
		if err != nil {
			return err
		}
		for _, f := range fixes {
			var reason any
			if f.reason != "" {
				reason = f.reason
			}
			if err := app.AppendRow(f.raw, f.norm, reason); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return 0, err
	}
	var n int64
	if bad {
		if err := rejectsTable(ctx, conn); err != nil {
			return 0, err
		}
		r, err := conn.ExecContext(ctx, `INSERT INTO scan_rejects SELECT s.line, ?, f.raw, f.reason
			FROM stage s JOIN text_fix f ON s.`+col+` = f.raw WHERE f.reason IS NOT NULL`, header)
		if err != nil {
			return 0, err
		}
		if n, err = r.RowsAffected(); err != nil {
			return 0, err
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM stage USING text_fix f WHERE stage.`+col+` = f.raw AND f.reason IS NOT NULL`); err != nil {
			return 0, err
		}
	}
	_, err = conn.ExecContext(ctx, `UPDATE stage SET `+col+` = f.norm FROM text_fix f WHERE stage.`+col+` = f.raw AND f.reason IS NULL`)
	return n, err
}
