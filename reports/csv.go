package reports

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvWriter is the one way reports write CSV: RFC 4180 through encoding/csv,
// with every cell guarded against formula injection (data contract §4).
type csvWriter struct {
	w   *csv.Writer
	buf []string
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

// Write writes one row, each cell passed through escapeCell.
func (c *csvWriter) Write(cells []string) error {
	c.buf = c.buf[:0]
	for _, s := range cells {
		c.buf = append(c.buf, escapeCell(s))
	}
	return c.w.Write(c.buf)
}

// Flush writes what is buffered and reports any error of the writer.
func (c *csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// escapeCell puts a ' before a cell that begins with = + - @, a tab or a
// carriage return, so a spreadsheet shows it as text and never runs it as a
// formula (OWASP's advice for CSV injection; data contract §4).
func escapeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
