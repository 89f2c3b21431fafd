package ingest

import (
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// scanCSV takes plain lines whole (the fast path) and anything with a quote
// or a stray CR byte by byte; both must agree on records, rejects, cuts and
// line shifts.
func TestScanCSVLines(t *testing.T) {
	text := "a,b,c\r\n" + // header, CRLF
		"1,2,3\r\n" + // line 2: plain
		"\r\n" + // line 3: blank (a CR alone)
		"4,5\n" + // line 4: too few cells
		"\"x\ny\",5,6\n" + // lines 5-6: a quoted cell spanning lines
		"7,8,9\n" + // line 7: plain, after the shift
		"7,\"8\"x,9\n" + // line 8: text after a closing quote
		"\n" + // line 9: blank
		"1,2\r3,4\n" + // line 10: a CR that ends no line, outside quotes (cut)
		"\"a\r\nb\",c,d\n" + // lines 11-12: a quoted CRLF is the cell's text
		"10,11,12" // line 13: no final line end
	s, err := scanCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	// the same, read a byte at a time (a CR at the end of one read, its LF
	// at the start of the next)
	one, err := scanCSV(iotest.OneByteReader(strings.NewReader(text)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(items(&one.bad), items(&s.bad)) || !reflect.DeepEqual(items(&one.shifts), items(&s.shifts)) ||
		!reflect.DeepEqual(one.header, s.header) || one.records != s.records || one.odd != s.odd {
		t.Fatalf("a byte at a time: %+v\nwhole: %+v", one, s)
	}
	if !reflect.DeepEqual(s.header, []string{"a", "b", "c"}) || s.records != 8 {
		t.Fatalf("header %q, records %d", s.header, s.records)
	}
	// Lines 4, 8 and 10 are rejects, cut from what DuckDB reads: their bytes,
	// with their line ends.
	at := func(row string) (int64, int64) {
		i := strings.Index(text, row)
		return int64(i), int64(i + len(row))
	}
	var want []badRow
	for _, b := range []struct {
		line int64
		row  string
		why  int64
	}{{4, "4,5\n", rowCells}, {8, "7,\"8\"x,9\n", rowBadQuote}, {10, "1,2\r3,4\n", rowStrayCR}} {
		from, to := at(b.row)
		cells := int64(3)
		if b.line == 4 {
			cells = 2
		}
		want = append(want, badRow{Line: b.line, From: from, To: to, Why: b.why, Cells: cells})
	}
	if got := items(&s.bad); !reflect.DeepEqual(got, want) {
		t.Fatalf("bad rows %+v\nwant %+v", got, want)
	}
	if got := want[0].reject(3).Reason; got != "row has 2 cells; the header has 3" {
		t.Fatalf("line 4's reason %q", got)
	}
	// Records DuckDB reads: line 2 (k=0), 5 (k=1), 7 (k=2), 11 (k=3), 13 (k=4).
	wantShifts := []lineShift{{From: 1, Delta: 2}, {From: 2, Delta: 3}, {From: 3, Delta: 6}, {From: 4, Delta: 7}}
	if got := items(&s.shifts); !reflect.DeepEqual(got, wantShifts) {
		t.Fatalf("shifts %v, want %v", got, wantShifts)
	}
}

// items is every item of a spill, in order.
func items[T any](s *spill[T]) []T {
	var out []T
	if err := s.each(func(v T) error { out = append(out, v); return nil }); err != nil {
		panic(err)
	}
	return out
}
