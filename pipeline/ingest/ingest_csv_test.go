package ingest

import (
	"reflect"
	"strings"
	"testing"
)

// scanCSV takes plain lines whole (the fast path) and anything with a quote
// byte by byte; both must agree on records, rejects and line shifts.
func TestScanCSVLines(t *testing.T) {
	text := "a,b,c\r\n" + // header, CRLF
		"1,2,3\r\n" + // line 2: plain
		"\r\n" + // line 3: blank (a CR alone)
		"4,5\n" + // line 4: too few cells
		"\"x\ny\",5,6\n" + // lines 5-6: a quoted cell spanning lines
		"7,8,9\n" + // line 7: plain, after the shift
		"7,\"8\"x,9\n" + // line 8: text after a closing quote
		"\n" + // line 9: blank
		"10,11,12" // line 10: no final line end
	s, err := scanCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.header, []string{"a", "b", "c"}) || s.records != 6 {
		t.Fatalf("header %q, records %d", s.header, s.records)
	}
	var badLines []int64
	for _, r := range s.bad {
		badLines = append(badLines, r.Line)
	}
	if !reflect.DeepEqual(badLines, []int64{4, 8}) {
		t.Fatalf("bad lines %v, want [4 8]", badLines)
	}
	// Records DuckDB reads: line 2 (k=0), 5 (k=1), 7 (k=2), 10 (k=3).
	want := []lineShift{{from: 1, delta: 2}, {from: 2, delta: 3}, {from: 3, delta: 5}}
	if !reflect.DeepEqual(s.shifts, want) {
		t.Fatalf("shifts %v, want %v", s.shifts, want)
	}
}
