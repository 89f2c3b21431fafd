package jobs

import (
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a job's cron spec in a time zone. Each wall-clock time the spec
// names happens exactly once, whatever daylight saving does:
//   - a time that does not exist (the hour skipped when clocks go forward) runs
//     as soon as the clock has jumped, at the same distance past the hour
//     (Australia/Sydney's 02:30 on the first Sunday of October runs at 03:30);
//   - a time that happens twice (the hour repeated when clocks go back) runs
//     once.
//
// robfig/cron's own schedules skip the first case; Serve hands it this
// Schedule instead. A Schedule is a cron.Schedule.
type Schedule struct {
	spec *cron.SpecSchedule // wall-clock times, in UTC (which has no daylight saving)
	loc  *time.Location
}

// NewSchedule places spec's wall-clock times in loc. The spec's own Location
// is ignored.
func NewSchedule(spec *cron.SpecSchedule, loc *time.Location) Schedule {
	s := *spec
	s.Location = time.UTC
	return Schedule{spec: &s, loc: loc}
}

// shiftWindow is wider than any daylight-saving change (at most 2 hours).
const shiftWindow = 3 * time.Hour

// wall returns t's wall-clock reading in the zone, as a UTC time.
func (s Schedule) wall(t time.Time) time.Time {
	l := t.In(s.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// instant is the moment wall-clock time w names in the zone. Go maps a time in
// a skipped hour past the jump, and a repeated time to one of its two moments.
func (s Schedule) instant(w time.Time) time.Time {
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, s.loc)
}

// shiftNear tells whether the zone's offset changes within shiftWindow of t.
func (s Schedule) shiftNear(t time.Time) bool {
	_, a := t.Add(-shiftWindow).In(s.loc).Zone()
	_, b := t.Add(shiftWindow).In(s.loc).Zone()
	return a != b
}

// Next returns the first scheduled moment after t, in the zone; the zero time
// when there is none within five years.
func (s Schedule) Next(t time.Time) time.Time {
	w := s.spec.Next(s.wall(t))
	if w.IsZero() {
		return w
	}
	at := s.instant(w)
	if !s.shiftNear(t) && !s.shiftNear(at) {
		return at // away from a change, wall-clock order is time order
	}
	// Near a change, slots can map out of order (a skipped 02:30 lands after
	// 03:00) or two slots onto one moment: take the earliest moment after t
	// among the slots around it.
	var best time.Time
	for w = s.spec.Next(s.wall(t).Add(-shiftWindow)); !w.IsZero(); w = s.spec.Next(w) {
		at := s.instant(w)
		if !best.IsZero() && at.After(best.Add(shiftWindow)) {
			break
		}
		if at.After(t) && (best.IsZero() || at.Before(best)) {
			best = at
		}
	}
	return best
}

// Prev returns the latest scheduled moment at or before t (t itself when t
// is one); the zero time when there is none in the five years before t.
func (s Schedule) Prev(t time.Time) time.Time {
	for _, back := range []time.Duration{time.Hour, 25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour,
		367 * 24 * time.Hour, 5 * 367 * 24 * time.Hour} {
		var last time.Time
		for n := s.Next(t.Add(-back)); !n.IsZero() && !n.After(t); n = s.Next(n) {
			last = n
		}
		if !last.IsZero() {
			return last.In(s.loc)
		}
	}
	return time.Time{}
}
