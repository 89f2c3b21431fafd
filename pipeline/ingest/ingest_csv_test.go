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
	if !reflect.DeepEqual(one, s) {
		t.Fatalf("a byte at a time: %+v\nwhole: %+v", one, s)
	}
	if !reflect.DeepEqual(s.header, []string{"a", "b", "c"}) || s.records != 8 {
		t.Fatalf("header %q, records %d", s.header, s.records)
	}
	var badLines []int64
	for _, r := range s.bad {
		badLines = append(badLines, r.Line)
	}
	if !reflect.DeepEqual(badLines, []int64{4, 8, 10}) {
		t.Fatalf("bad lines %v, want [4 8 10]", badLines)
	}
	// Line 10 is cut from what DuckDB reads: its bytes, with its line end.
	if cr := strings.Index(text, "1,2\r3,4\n"); !reflect.DeepEqual(s.cuts, []byteRange{{int64(cr), int64(cr + 8)}}) {
		t.Fatalf("cuts %v, want line 10's bytes from %d", s.cuts, cr)
	}
	// Records DuckDB reads: line 2 (k=0), 5 (k=1), 7 (k=2), 11 (k=3), 13 (k=4).
	want := []lineShift{{from: 1, delta: 2}, {from: 2, delta: 3}, {from: 3, delta: 6}, {from: 4, delta: 7}}
	if !reflect.DeepEqual(s.shifts, want) {
		t.Fatalf("shifts %v, want %v", s.shifts, want)
	}
}
