package ingest

import (
	"os"
	"testing"
)

// A spill gives back every item in the order added, from memory and from its
// temp file alike, as often as asked, and leaves no file behind.
func TestSpill(t *testing.T) {
	var s spill[lineShift]
	check := func(n int64) {
		t.Helper()
		if s.len() != n {
			t.Fatalf("len %d, want %d", s.len(), n)
		}
		var i int64
		err := s.each(func(v lineShift) error {
			if v != (lineShift{From: i, Delta: -i}) {
				t.Fatalf("item %d is %+v", i, v)
			}
			i++
			return nil
		})
		if err != nil || i != n {
			t.Fatalf("each: %d items, %v; want %d", i, err, n)
		}
	}
	add := func(from, to int64) {
		for i := from; i < to; i++ {
			s.add(lineShift{From: i, Delta: -i})
		}
	}
	add(0, 10)
	check(10)
	if s.f != nil {
		t.Fatal("10 items went to a file")
	}
	add(10, 2*spillMem+5)
	check(2*spillMem + 5)
	if s.f == nil {
		t.Fatalf("%d items, all in memory", s.len())
	}
	add(2*spillMem+5, 3*spillMem+1) // more after a read: both in order
	check(3*spillMem + 1)
	f := s.f
	s.close()
	if _, err := os.Stat(f.Name()); !os.IsNotExist(err) {
		t.Fatalf("temp file %s left: %v", f.Name(), err)
	}
}
