package gen

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"stcrecon/pipeline/names"
)

// csvw writes one RFC 4180 file and counts physical lines, so a row's line
// number (header = 1) is known when it is written, even after cells that
// hold line breaks.
type csvw struct {
	f      *os.File
	w      *bufio.Writer
	name   string
	crlf   bool
	fields int
	line   int // physical line the current record starts on
	nl     int // line breaks inside the current record's cells
	rows   int // data records written
}

func createCSV(dir, name string, bom, crlf bool) (*csvw, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	c := &csvw{f: f, w: bufio.NewWriterSize(f, 1<<20), name: name, crlf: crlf, line: 1}
	if bom {
		c.w.WriteString("\xEF\xBB\xBF")
	}
	return c, nil
}

func (c *csvw) sep() {
	if c.fields > 0 {
		c.w.WriteByte(',')
	}
	c.fields++
}

func needsQuote(b []byte) bool {
	for _, x := range b {
		if x == ',' || x == '"' || x == '\n' || x == '\r' {
			return true
		}
	}
	return false
}

// bytes writes one cell, quoting it if it must be.
func (c *csvw) bytes(b []byte) {
	c.sep()
	if !needsQuote(b) {
		c.w.Write(b)
		return
	}
	c.w.WriteByte('"')
	for _, x := range b {
		switch x {
		case '"':
			c.w.WriteByte('"')
		case '\n':
			c.nl++
		}
		c.w.WriteByte(x)
	}
	c.w.WriteByte('"')
}

func (c *csvw) str(s string) {
	if strings.ContainsAny(s, ",\"\n\r") {
		c.bytes([]byte(s))
		return
	}
	c.sep()
	c.w.WriteString(s)
}

// plain writes a cell known to need no quoting (numbers, dates, serials).
func (c *csvw) plain(b []byte) {
	c.sep()
	c.w.Write(b)
}

func (c *csvw) int(v int64) {
	c.sep()
	var tmp [24]byte
	c.w.Write(appendInt(tmp[:0], v))
}

func (c *csvw) empty() { c.sep() }

// end closes the record.
func (c *csvw) end() {
	if c.crlf {
		c.w.WriteString("\r\n")
	} else {
		c.w.WriteByte('\n')
	}
	if c.line > 1 {
		c.rows++
	}
	c.line += 1 + c.nl
	c.nl, c.fields = 0, 0
}

func (c *csvw) header(h ...string) {
	for _, s := range h {
		c.str(s)
	}
	c.end()
}

func (c *csvw) close() error {
	err := c.w.Flush()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Awkward-but-valid presentation. Each function changes only what the
// contract's normalisation removes, so the normalised text is unchanged.

// oddName re-cases a name and pads and widens its white space:
// "Jinko Solar" -> "  jinko   SOLAR ".
func oddName(rng *rand.Rand, s string) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", 1+rng.IntN(2)))
	mode := rng.IntN(3)
	for i, word := range strings.Fields(s) {
		if i > 0 {
			b.WriteString(strings.Repeat(" ", 1+rng.IntN(3)))
		}
		switch {
		case mode == 0:
			word = strings.ToLower(word)
		case mode == 1:
			word = strings.ToUpper(word)
		case i%2 == 0:
			word = strings.ToLower(word)
		default:
			word = strings.ToUpper(word)
		}
		b.WriteString(word)
	}
	b.WriteString(strings.Repeat(" ", rng.IntN(2)))
	return b.String()
}

// oddSerial lower-cases a serial and breaks it into groups with spaces:
// "AB1234" -> " ab12 34 ".
func oddSerial(b []byte, canon []byte) []byte {
	b = append(b, ' ')
	for i, x := range canon {
		if i > 0 && i%4 == 0 {
			b = append(b, ' ')
		}
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		b = append(b, x)
	}
	return append(b, ' ')
}

// normName and normSerial are the contract's normalisations (for tests and
// for checking the presentation functions); a name's is its name key.
func normName(s string) string { return names.Key(s) }

func normSerial(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
			return -1
		}
		return r
	}, s))
}
