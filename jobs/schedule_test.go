package jobs

import (
	"testing"
	"time"

	"stcrecon/configs"
)

func sydney(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustSchedule(t *testing.T, spec string, loc *time.Location) Schedule {
	t.Helper()
	s, err := configs.ParseSchedule(spec)
	if err != nil {
		t.Fatal(err)
	}
	return NewSchedule(s, loc)
}

// A nightly run happens once on every calendar night of a year in Sydney,
// including the night clocks go forward (02:30 does not exist: it runs at
// 03:30) and the night they go back (02:30 happens twice: it runs once).
func TestNightlyAcrossDaylightSaving(t *testing.T) {
	loc := sydney(t)
	s := mustSchedule(t, "30 2 * * *", loc)
	from := time.Date(2026, 1, 1, 12, 0, 0, 0, loc)
	seen := map[string]int{}
	var prev time.Time
	for at := s.Next(from); at.Year() == 2026; at = s.Next(at) {
		if !at.After(prev) {
			t.Fatalf("%v does not follow %v", at, prev)
		}
		prev = at
		seen[at.In(loc).Format(time.DateOnly)]++
	}
	if len(seen) != 364 { // 2 January to 31 December
		t.Fatalf("%d nights", len(seen))
	}
	for d, n := range seen {
		if n != 1 {
			t.Errorf("%s: %d runs", d, n)
		}
	}
	// Clocks go forward at 02:00 on 4 October 2026: 02:30 runs at 03:30 AEDT.
	at := s.Next(time.Date(2026, 10, 3, 12, 0, 0, 0, loc))
	if want := time.Date(2026, 10, 3, 16, 30, 0, 0, time.UTC); !at.Equal(want) {
		t.Fatalf("spring forward: %v, want %v", at, want.In(loc))
	}
	// Clocks go back at 03:00 on 5 April 2026: 02:30 happens twice, runs once.
	at = s.Next(time.Date(2026, 4, 4, 12, 0, 0, 0, loc))
	if next := s.Next(at); next.Sub(at) < 20*time.Hour {
		t.Fatalf("fall back: runs at %v and again at %v", at, next)
	}
}

// Slots every 30 minutes through both changes: strictly increasing, never
// two on one moment, no gap longer than the hour the clocks skip or repeat.
func TestHalfHourlyAcrossDaylightSaving(t *testing.T) {
	loc := sydney(t)
	s := mustSchedule(t, "*/30 * * * *", loc)
	for _, day := range []time.Time{time.Date(2026, 10, 3, 22, 0, 0, 0, loc), time.Date(2026, 4, 4, 22, 0, 0, 0, loc)} {
		prev := day
		for at := s.Next(day); at.Before(day.Add(8 * time.Hour)); at = s.Next(at) {
			if gap := at.Sub(prev); gap <= 0 || gap > 90*time.Minute {
				t.Fatalf("%v after %v", at.In(loc), prev.In(loc))
			}
			prev = at
		}
	}
}

func TestPrev(t *testing.T) {
	loc := sydney(t)
	nightly := mustSchedule(t, "30 2 * * *", loc)
	monthly := mustSchedule(t, "0 6 1 * *", loc)
	every := mustSchedule(t, "*/15 * * * *", loc)
	cases := []struct {
		s        Schedule
		at, want time.Time
	}{
		{nightly, time.Date(2026, 11, 24, 9, 0, 0, 0, loc), time.Date(2026, 11, 24, 2, 30, 0, 0, loc)},
		{nightly, time.Date(2026, 11, 24, 2, 30, 0, 0, loc), time.Date(2026, 11, 24, 2, 30, 0, 0, loc)},
		{nightly, time.Date(2026, 11, 24, 2, 29, 59, 0, loc), time.Date(2026, 11, 23, 2, 30, 0, 0, loc)},
		{nightly, time.Date(2026, 10, 4, 3, 45, 0, 0, loc), time.Date(2026, 10, 4, 3, 30, 0, 0, loc)},
		{nightly, time.Date(2026, 10, 4, 3, 15, 0, 0, loc), time.Date(2026, 10, 3, 2, 30, 0, 0, loc)},
		{monthly, time.Date(2026, 11, 24, 9, 0, 0, 0, loc), time.Date(2026, 11, 1, 6, 0, 0, 0, loc)},
		{every, time.Date(2026, 11, 24, 9, 7, 3, 0, loc), time.Date(2026, 11, 24, 9, 0, 0, 0, loc)},
	}
	for _, c := range cases {
		if got := c.s.Prev(c.at); !got.Equal(c.want) {
			t.Errorf("Prev(%v) = %v, want %v", c.at, got, c.want)
		}
	}
}
