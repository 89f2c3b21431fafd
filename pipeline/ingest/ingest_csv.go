package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/marcboeker/go-duckdb"

	"stcrecon/pipeline/store"
)

// csvScan is what one pass over a CSV file's bytes learns before DuckDB reads
// it: the header, and where each record starts, so that a reject can name the
// line a person sees in an editor even when a quoted cell spans lines (DuckDB
// 1.1 reports no line numbers for rows it reads).
type csvScan struct {
	header []string
	// records counts the data records (blank lines are not records).
	records int64
	// bad lists the records DuckDB is not to read, in order: rows the reader
	// rejects (a cell too many or too few, bad quoting, longer than
	// maxRowBytes, a stray carriage return). DuckDB reads a copy of the file
	// without them.
	bad spill[badRow]
	// shifts maps the k-th record DuckDB reads (0-based) to its line:
	// line = k + 2 + Delta of the last shift with From <= k.
	shifts spill[lineShift]
	// odd is set when the file has a byte other than printable ASCII and
	// line ends: its text cells then go through normaliseStage.
	odd bool
}

// badRow is a record the reader rejects: its first line, its bytes (offsets
// after any BOM, its line end included), why, and how many cells it has.
type badRow struct {
	Line, From, To int64
	Why            int64
	Cells          int64
}

// Why a badRow is rejected.
const (
	rowTooLong = iota + 1
	rowStrayCR
	rowBadQuote
	rowCells
)

// reject is the row's reject, for a file whose header has header cells.
func (r badRow) reject(header int) Reject {
	var why string
	switch r.Why {
	case rowTooLong:
		why = fmt.Sprintf("row is %s long, more than %s: a cell this long is not data (not loaded)", sizeText(r.To-r.From), sizeText(maxRowBytes))
	case rowStrayCR:
		why = "a carriage return (CR) that does not end a line, outside quotes: a line ends in LF or CRLF, and a line break inside a cell must be quoted"
	case rowBadQuote:
		why = "bad quoting: a quote inside an unquoted cell, or text after a closing quote"
	default:
		why = fmt.Sprintf("row has %d cells; the header has %d", r.Cells, header)
	}
	return Reject{Line: r.Line, Reason: why}
}

// close removes the scan's temp files.
func (s *csvScan) close() {
	s.bad.close()
	s.shifts.close()
}

// maxRowBytes bounds one row (a CSV record, with the line breaks inside its
// quoted cells; the cells of an XLSX row). A longer row (a cell of
// megabytes) is a reject, so it never costs the file's good rows. DuckDB 1.1
// rejects a CSV line over its max_line_size (2 MB) and fails inside on lines
// of about 16 MB; and it works on 2,048 rows at a time and cannot spill text
// cells of 100 KB or more to disk: a 960 MB claims file of 1,000 rows of
// 960 KB (rows of 1 MiB were allowed then) failed its whole ingest on "Out of
// Memory" at 1.55 GB peak RSS, while 16,000 rows of 60 KB (as large a file)
// load, at 1.35-1.45 GB under ingest's 1GB memory_limit. 64 KiB is about
// 4,000 serials in a claim's list, some sixteen times the panels of a 100 kW
// system.
const maxRowBytes = 64 << 10

type lineShift struct{ From, Delta int64 }

var bom = []byte{0xEF, 0xBB, 0xBF}

// scanCSV reads the file once: it checks UTF-8, parses the header and records
// where every record starts and how many fields it has, following RFC 4180.
// It is a byte loop, not a row loop: DuckDB still parses and loads the rows.
func scanCSV(f io.Reader) (_ *csvScan, err error) {
	s := &csvScan{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	head := make([]byte, 3)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	var pending []byte // bytes read that are not a BOM
	if n < 3 || !bytes.Equal(head, bom) {
		pending = head[:n]
	}
	p := recordParser{line: 1, recLine: 1, empty: true}
	buf := make([]byte, 1<<20)
	var carry []byte
	for {
		var n int
		var err error
		if pending != nil {
			n, err = copy(buf, pending), nil
			pending = nil
		} else {
			n, err = f.Read(buf)
		}
		chunk := buf[:n]
		if n > 0 {
			// UTF-8: check the chunk up to its last complete rune; carry the rest.
			data := append(carry, chunk...)
			cut := len(data)
			for i := 1; i <= 3 && i <= len(data); i++ {
				if utf8.RuneStart(data[len(data)-i]) {
					if !utf8.FullRune(data[len(data)-i:]) {
						cut = len(data) - i
					}
					break
				}
			}
			if !utf8.Valid(data[:cut]) {
				bad := firstInvalidUTF8(data[:cut])
				line := p.line + int64(bytes.Count(data[:bad], []byte{'\n'}))
				return nil, &FileError{Line: line, Msg: "not UTF-8 text (save the file as CSV UTF-8)"}
			}
			carry = append(carry[:0], data[cut:]...)
			if !s.odd {
				s.odd = oddBytes(chunk)
			}
			p.feed(chunk, s)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(carry) > 0 {
		return nil, &FileError{Line: p.line, Msg: "not UTF-8 text (the file ends inside a character)"}
	}
	if p.state == inQuoted {
		return nil, &FileError{Line: p.recLine, Msg: "a quoted cell opened here is never closed"}
	}
	p.endRecord(s)
	if s.header == nil {
		return nil, &FileError{Msg: "the file is empty: no header row"}
	}
	return s, nil
}

// plainLine reports whether line (without its LF) holds no quote and no
// carriage return but a last one (of a CRLF line end).
func plainLine(line []byte) bool {
	if bytes.IndexByte(line, '"') >= 0 {
		return false
	}
	cr := bytes.IndexByte(line, '\r')
	return cr < 0 || cr == len(line)-1
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

type parseState int

const (
	fieldStart parseState = iota
	inUnquoted
	inQuoted
	quoteInQuoted // saw '"' inside a quoted field: an escape or the closing quote
)

// recordParser is an RFC 4180 state machine fed with chunks of bytes. A line
// ends in LF or CRLF (data contract §1); a carriage return anywhere else
// outside quotes makes its record a reject, cut from what DuckDB reads, which
// would take it for a line end.
type recordParser struct {
	state      parseState
	line       int64 // current physical line, 1-based
	recLine    int64 // line the current record started on
	off        int64 // bytes fed so far
	recStart   int64 // offset the current record started at
	fields     int
	empty      bool // the current record has no bytes yet (a blank line so far)
	badQuote   bool
	cr         bool // the byte before was a carriage return outside quotes
	badCR      bool // a carriage return outside quotes did not end its line
	headerBuf  []byte
	haveHeader bool
	goodSeen   int64 // records DuckDB will read so far
	delta      int64 // current line - (goodSeen + 2)
}

func (p *recordParser) feed(chunk []byte, s *csvScan) {
	for i := 0; i < len(chunk); {
		// Fast path: a whole line without a quote or a carriage return (but
		// the one of a CRLF line end), from the start of a record (nearly
		// every line of a ledger): its cells are its commas + 1, and the byte
		// loop below is not needed.
		if p.haveHeader && p.empty && p.state == fieldStart && !p.cr {
			if nl := bytes.IndexByte(chunk[i:], '\n'); nl >= 0 && plainLine(chunk[i:i+nl]) {
				line := chunk[i : i+nl]
				if len(line) > 0 && (len(line) > 1 || line[0] != '\r') { // not a blank line
					p.empty, p.fields = false, bytes.Count(line, []byte{','})
				}
				i += nl + 1
				p.off += int64(nl + 1)
				p.line++
				p.endRecord(s)
				p.recLine, p.empty, p.fields, p.recStart = p.line, true, 0, p.off
				continue
			}
		}
		c := chunk[i]
		i++
		p.off++
		if p.cr {
			p.cr = false
			if c != '\n' {
				p.badCR = true
			}
		}
		if !p.haveHeader {
			p.headerBuf = append(p.headerBuf, c)
		}
		switch p.state {
		case inQuoted:
			if c == '"' {
				p.state = quoteInQuoted
			} else if c == '\n' {
				p.line++
			}
			continue
		case quoteInQuoted:
			if c == '"' {
				p.state = inQuoted
				continue
			}
			p.state = inUnquoted
			if c != ',' && c != '\n' && c != '\r' {
				p.badQuote = true
			}
		}
		switch c {
		case '\n':
			p.line++
			p.endRecord(s)
			p.recLine, p.empty, p.fields, p.state, p.recStart = p.line, true, 0, fieldStart, p.off
		case '\r':
			// the CR of a CRLF line end, or a reject if no LF follows
			p.cr = true
		case ',':
			p.empty = false
			p.fields++
			p.state = fieldStart
		case '"':
			p.empty = false
			if p.state == fieldStart {
				p.state = inQuoted
			} else {
				p.badQuote = true
			}
		default:
			p.empty = false
			if p.state == fieldStart {
				p.state = inUnquoted
			}
		}
	}
}

// endRecord closes the record that started at p.recLine.
func (p *recordParser) endRecord(s *csvScan) {
	badCR := p.badCR
	p.badCR = false
	if p.empty {
		return // blank line: neither DuckDB nor we count it
	}
	fields := p.fields + 1
	if !p.haveHeader {
		p.haveHeader = true
		r := csv.NewReader(bytes.NewReader(p.headerBuf))
		r.LazyQuotes = true
		rec, err := r.Read()
		if err == nil {
			s.header = rec
		} else {
			s.header = strings.Split(strings.TrimRight(string(p.headerBuf), "\r\n"), ",")
		}
		p.headerBuf = nil
		return
	}
	s.records++
	bad := badRow{Line: p.recLine, From: p.recStart, To: p.off, Cells: int64(fields)}
	switch {
	case p.off-p.recStart > maxRowBytes:
		bad.Why = rowTooLong
	case badCR:
		bad.Why = rowStrayCR
	case p.badQuote:
		bad.Why = rowBadQuote
	case fields != len(s.header):
		bad.Why = rowCells
	default:
		if d := p.recLine - (p.goodSeen + 2); d != p.delta {
			s.shifts.add(lineShift{From: p.goodSeen, Delta: d})
			p.delta = d
		}
		p.goodSeen++
	}
	if bad.Why != 0 {
		s.bad.add(bad)
	}
	p.badQuote = false
}

// stageCSV loads the file into the temp table stage_raw through DuckDB's
// read_csv, every column read as VARCHAR, and makes view a view of it with
// the contract's column names and each row's line (the line it starts on).
func stageCSV(ctx context.Context, conn *sql.Conn, path string, scan *csvScan, l Layout, view string) error {
	var cols strings.Builder
	for i := range scan.header {
		if i > 0 {
			cols.WriteString(", ")
		}
		fmt.Fprintf(&cols, "'c%d': 'VARCHAR'", i)
	}
	// The reader's bad rows are cut from the copy DuckDB reads, so read_csv
	// meets none. store_rejects is a guard: a row DuckDB still will not read
	// is skipped, then counted below, and the file is rejected whole. (Not
	// ignore_errors: on a 625,000-row file whose every row had a cell too
	// many, DuckDB 1.1.2's read_csv with it ran for minutes on both cores.)
	read := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE stage_raw AS
		SELECT * FROM read_csv(%s, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
			columns = {%s}, store_rejects = true,
			rejects_table = 'stage_csv_errors', rejects_scan = 'stage_csv_scans')`,
		store.QuoteLiteral(path), cols.String())
	if _, err := conn.ExecContext(ctx, read); err != nil {
		return fmt.Errorf("read_csv: %w", err)
	}
	// base: the row id of stage_raw's first row, 0 but in a transaction
	// still open (claimsBatch), whose new rows have row ids far above the
	// table's.
	var got, base int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*), coalesce(min(rowid), 0) FROM stage_raw").Scan(&got, &base); err != nil {
		return err
	}
	if want := scan.records - scan.bad.len(); got != want {
		return &FileError{Msg: fmt.Sprintf("DuckDB read %d rows where %d well-formed rows were found; the file's quoting is not RFC 4180", got, want)}
	}
	var sel strings.Builder
	for i, c := range l.Columns {
		if l.Pos[i] >= 0 {
			fmt.Fprintf(&sel, ", r.c%d AS %s", l.Pos[i], c.Name)
		} else {
			fmt.Fprintf(&sel, ", NULL::VARCHAR AS %s", c.Name)
		}
	}
	// Row k of stage_raw (row id base + k) is on line k + 2 until a
	// multi-line cell or a blank line shifts the lines after it.
	k := "(r.rowid - " + strconv.FormatInt(base, 10) + ")"
	stage := `CREATE OR REPLACE TEMP VIEW ` + view + ` AS
		SELECT ` + k + ` + 2 AS line` + sel.String() + ` FROM stage_raw r`
	if scan.shifts.len() > 0 {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_shifts (k BIGINT, delta BIGINT)`); err != nil {
			return err
		}
		// A claims file shifts at nearly every record (its serial lists span
		// lines): the shifts go in through the Appender, not a statement each.
		err := conn.Raw(func(dc any) error {
			app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "stage_shifts")
			if err != nil {
				return err
			}
			err = app.AppendRow(int64(0), int64(0))
			if err == nil {
				err = scan.shifts.each(func(sh lineShift) error { return app.AppendRow(sh.From, sh.Delta) })
			}
			if err != nil {
				app.Close()
				return err
			}
			return app.Close()
		})
		if err != nil {
			return fmt.Errorf("stage_shifts: %w", err)
		}
		stage = `CREATE OR REPLACE TEMP VIEW ` + view + ` AS
			SELECT ` + k + ` + 2 + s.delta AS line` + sel.String() + `
			FROM stage_raw r ASOF JOIN stage_shifts s ON ` + k + ` >= s.k`
	}
	if _, err := conn.ExecContext(ctx, stage); err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	return dropTables(ctx, conn, "stage_csv_errors", "stage_csv_scans")
}

// sizeText writes a byte count for people: 3.0 MiB, 1.0 MiB, 512 KiB.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", (n+1023)>>10)
}
