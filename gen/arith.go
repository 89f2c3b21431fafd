package gen

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// day is a calendar date: days since 1970-01-01. The generator never uses
// time.Time for its own arithmetic, so a date has one exact meaning.
type day int32

// ts is a naive local timestamp in seconds since 1970-01-01 00:00:00, as an
// ISO 8601 timestamp without offset is written.
type ts int64

const secondsPerDay = 86400

// mkDay is the day of a civil date (proleptic Gregorian).
func mkDay(y, m, d int) day {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

// civil is the inverse of mkDay.
func (d day) civil() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return
}

func (d day) year() int { y, _, _ := d.civil(); return y }

func (d day) String() string { return string(d.appendISO(nil)) }

func (d day) time() time.Time {
	y, m, dd := d.civil()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// addMonths adds n months, clamping the day to the end of the month reached:
// 2024-02-29 + 12 months = 2025-02-28 (time.AddDate would give 2025-03-01).
func addMonths(d day, n int) day {
	y, m, dd := d.civil()
	m0 := (y*12 + (m - 1)) + n
	y, m = m0/12, m0%12+1
	if last := daysIn(y, m); dd > last {
		dd = last
	}
	return mkDay(y, m, dd)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// appendISO writes YYYY-MM-DD.
func (d day) appendISO(b []byte) []byte {
	y, m, dd := d.civil()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, dd)
}

// appendDMY writes DD/MM/YYYY, the Australian form.
func (d day) appendDMY(b []byte) []byte {
	y, m, dd := d.civil()
	b = append2(b, dd)
	b = append(b, '/')
	b = append2(b, m)
	b = append(b, '/')
	return append4(b, y)
}

// appendDMYShort writes D/MM/YYYY, as the CEC's published lists do (3/08/2023).
func (d day) appendDMYShort(b []byte) []byte {
	y, m, dd := d.civil()
	b = strconv.AppendInt(b, int64(dd), 10)
	b = append(b, '/')
	b = append2(b, m)
	b = append(b, '/')
	return append4(b, y)
}

func (t ts) day() day { return day(int64(t) / secondsPerDay) }

// appendISO writes YYYY-MM-DD<sep>HH:MM:SS (sep 'T' or ' ').
func (t ts) appendISO(b []byte, sep byte) []byte {
	b = t.day().appendISO(b)
	s := int(int64(t) % secondsPerDay)
	b = append(b, sep)
	b = append2(b, s/3600)
	b = append(b, ':')
	b = append2(b, s/60%60)
	b = append(b, ':')
	return append2(b, s%60)
}

// decimal is an exact non-negative decimal number num / scale, scale a power of 10.
type decimal struct{ num, scale int64 }

// parseDecimal reads config text like "1.622" or "100" exactly.
func parseDecimal(s string) (decimal, error) {
	s = strings.TrimSpace(s)
	d := decimal{scale: 1}
	seenDot, digits := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && !seenDot:
			seenDot = true
		case c >= '0' && c <= '9':
			d.num = d.num*10 + int64(c-'0')
			digits++
			if seenDot {
				d.scale *= 10
			}
			if digits > 15 {
				return d, fmt.Errorf("decimal %q: too many digits", s)
			}
		default:
			return d, fmt.Errorf("decimal %q: not a decimal number", s)
		}
	}
	if digits == 0 {
		return d, fmt.Errorf("decimal %q: no digits", s)
	}
	return d, nil
}

// stcsFor is floor(rated kW × rating × years), computed in integers: kwW is
// the rated output in watts (kW with three decimals, times 1000).
func stcsFor(kwW int64, rating decimal, years int) int64 {
	return kwW * rating.num * int64(years) / (1000 * rating.scale)
}

// capacityOff reports whether a claim's rated output (watts) differs from
// panels × module watts by more than 1 % of the latter.
func capacityOff(kwW int64, panels, watts int) bool {
	want := int64(panels) * int64(watts)
	diff := kwW - want
	if diff < 0 {
		diff = -diff
	}
	return diff*100 > want
}

// appendKW writes watts as kW with three decimals ("6.600"), or with trailing
// zeros trimmed ("6.6", "100") when short is set.
func appendKW(b []byte, w int64, short bool) []byte {
	b = appendInt(b, w/1000)
	frac := int(w % 1000)
	if short {
		if frac == 0 {
			return b
		}
		b = append(b, '.', byte('0'+frac/100))
		if frac%100 != 0 {
			b = append(b, byte('0'+frac/10%10))
			if frac%10 != 0 {
				b = append(b, byte('0'+frac%10))
			}
		}
		return b
	}
	return append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}

func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// appendPadded writes v zero-padded to width digits.
func appendPadded(b []byte, v uint64, width int) []byte {
	var tmp [24]byte
	i := len(tmp)
	for n := 0; n < width || v > 0; n++ {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[i:]...)
}
