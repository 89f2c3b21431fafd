package reports

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// rowsXML holds the rows of a long sheet below its header as sheet XML,
// byte for byte what excelize's StreamWriter.SetRow writes for them
// (excelize v2.11.1: stream.go SetRow, writeCell; cell.go setCellTime,
// setCellFloat, setInlineStr; lib.go trimCellValue, bstrMarshal; date.go
// timeToExcelTime), in a temporary file. SetRow spends most of its time on
// an allocation or two per cell (the cell's name, its escaped text, its
// value as a struct); the long sheets of a 50,000-claim audit hold a million
// cells. The header row still goes through the stream writer, which writes
// the rest of the sheet's XML; saveXLSX puts these rows in front of its
// </sheetData> as the workbook is zipped (parallelZip's splices). Only the
// values a long sheet holds are written (sheetCell after styles.typed: nil,
// int64, float64, string, bool, time.Time, each as an excelize.Cell with
// its style or bare); TestRowsXMLAsExcelize holds the bytes to
// excelize's own, so an excelize that writes them otherwise fails it.
type rowsXML struct {
	file *os.File
	w    *bufio.Writer
	cols []string // A, B, ...
	esc  bytes.Buffer
}

func newRowsXML() (*rowsXML, error) {
	f, err := os.CreateTemp("", "stcrecon-sheet-*.xml")
	if err != nil {
		return nil, err
	}
	return &rowsXML{file: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// row writes row r (its cells from column A on; nil cells are left out),
// with a custom height when height > 0, as SetRow with RowOpts{Height}.
func (x *rowsXML) row(r int, vals []any, height float64) error {
	if height > excelize.MaxRowHeight {
		return excelize.ErrMaxRowHeight
	}
	w := x.w
	rs := strconv.Itoa(r)
	w.WriteString(`<row r="`)
	w.WriteString(rs)
	w.WriteString(`"`)
	if height > 0 {
		w.WriteString(` ht="`)
		w.WriteString(strconv.FormatFloat(height, 'f', -1, 64))
		w.WriteString(`" customHeight="1"`)
	}
	w.WriteString(`>`)
	for i, v := range vals {
		if v == nil {
			continue
		}
		for len(x.cols) <= i {
			name, err := excelize.ColumnNumberToName(len(x.cols) + 1)
			if err != nil {
				return err
			}
			x.cols = append(x.cols, name)
		}
		style := 0
		switch c := v.(type) {
		case *excelize.Cell:
			style, v = c.StyleID, c.Value
		case excelize.Cell:
			style, v = c.StyleID, c.Value
		}
		if err := x.cell(x.cols[i], rs, style, v); err != nil {
			return err
		}
	}
	w.WriteString(`</row>`)
	return nil
}

// cell writes one cell: setCellValFunc then writeCell.
func (x *rowsXML) cell(col, row string, style int, v any) error {
	var t, val string      // the cell's type and <v>
	var inline, raw bool   // an inline string; its text as it is (not escaped)
	var text, space string // the inline string's text and xml:space
	switch v := v.(type) {
	case nil:
	case int64:
		val = strconv.FormatInt(v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			inline, text = true, fmt.Sprint(v)
		} else {
			val = formatCellFloat(v)
		}
	case string:
		inline, text = true, v
	case bool:
		t, val = "b", "0"
		if v {
			val = "1"
		}
	case time.Time:
		_, offset := v.In(v.Location()).Zone()
		v = v.Add(time.Duration(offset) * time.Second)
		if days := timeToExcelTime(v); days > 0 {
			val = strconv.FormatFloat(days, 'f', -1, 64)
			if style == 0 {
				return fmt.Errorf("a date cell without a style")
			}
		} else {
			// setCellDefault of a text that is no number: an inline
			// string whose text is not escaped
			inline, text, raw = true, v.Format(time.RFC3339Nano), true
		}
	default:
		return fmt.Errorf("cell type %T is not written in a long sheet", v)
	}
	w := x.w
	w.WriteString(`<c r="`)
	w.WriteString(col)
	w.WriteString(row)
	w.WriteString(`"`)
	if style != 0 {
		w.WriteString(` s="`)
		w.WriteString(strconv.Itoa(style))
		w.WriteString(`"`)
	}
	if inline {
		t = "inlineStr"
	}
	if t != "" {
		w.WriteString(` t="`)
		w.WriteString(t)
		w.WriteString(`"`)
	}
	w.WriteString(`>`)
	if val != "" {
		w.WriteString(`<v>`)
		if plain(val) {
			w.WriteString(val)
		} else if err := xml.EscapeText(w, []byte(val)); err != nil {
			return err
		}
		w.WriteString(`</v>`)
	}
	if inline {
		escaped := x.trimCellValue(text, &space)
		if raw {
			escaped = text
		}
		w.WriteString(`<is><t`)
		if space != "" {
			w.WriteString(` xml:space="`)
			w.WriteString(space)
			w.WriteString(`"`)
		}
		w.WriteString(`>`)
		w.WriteString(escaped)
		w.WriteString(`</t></is>`)
	}
	w.WriteString(`</c>`)
	return nil
}

// trimCellValue is excelize's trimCellValue(value, true): the text cut to
// the most UTF-16 units a cell holds, escaped for XML (new lines kept as
// they are) and bstrMarshal'd; space is "preserve" when the text begins or
// ends with white space.
func (x *rowsXML) trimCellValue(value string, space *string) string {
	*space = ""
	if len(value) > excelize.TotalCellChars { // never more UTF-16 units than bytes
		n := 0
		for i, r := range value {
			if n += utf16.RuneLen(r); n > excelize.TotalCellChars {
				value = value[:i]
				break
			}
		}
	}
	if value != "" {
		prefix, suffix := value[0], value[len(value)-1]
		for _, ascii := range []byte{9, 10, 13, 32} {
			if prefix == ascii || suffix == ascii {
				*space = "preserve"
				break
			}
		}
		if !plain(value) {
			x.esc.Reset()
			_ = xml.EscapeText(&x.esc, []byte(value))
			b := x.esc.Bytes()
			if bytes.Contains(b, []byte("&#xA;")) {
				b = bytes.ReplaceAll(b, []byte("&#xA;"), []byte("\n"))
			}
			value = string(b)
		}
	}
	if strings.Contains(value, "_x") {
		value = bstrMarshal(value)
	}
	return value
}

// plain reports whether xml.EscapeText leaves s as it is: printable ASCII
// but for " ' & < >.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\'', c == '&', c == '<', c == '>':
			return false
		}
	}
	return true
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's: it escapes the text _xHHHH_, which a
// spreadsheet would read as the character HHHH.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// formatCellFloat is excelize's formatCellFloat(value, -1, 64): the
// shortest text of value, cut to Excel's 15 significant digits.
func formatCellFloat(value float64) string {
	str := strconv.FormatFloat(value, 'f', -1, 64)
	if math.Abs(value) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}

var (
	excelMinTime1900      = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelBuggyPeriodStart = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

// timeToExcelTime is excelize's timeToExcelTime(t, false) (the 1900 date
// system of a new workbook): t as days since 1899-12-31, counting Excel's
// 29 February 1900; 0 before that.
func timeToExcelTime(t time.Time) float64 {
	const dayNanoseconds = 24 * time.Hour
	const maxDuration = 290 * 364 * dayNanoseconds
	date := excelMinTime1900
	if t.Before(date) {
		return 0
	}
	tt, diff, result := t, t.Sub(date), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / dayNanoseconds)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(date)
	}
	rem := diff % dayNanoseconds
	result += float64(diff-rem)/float64(dayNanoseconds) + float64(rem)/float64(dayNanoseconds)
	if t.After(excelBuggyPeriodStart) {
		result++
	}
	return result
}

// writeTo writes the rows into w.
func (x *rowsXML) writeTo(w io.Writer) error {
	if err := x.w.Flush(); err != nil {
		return err
	}
	if _, err := x.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, x.file)
	return err
}

// close removes the temporary file.
func (x *rowsXML) close() {
	x.file.Close()
	os.Remove(x.file.Name())
}
