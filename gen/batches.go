package gen

import (
	"slices"
)

// Claims are numbered in submission order and split into monthly batch files;
// then rows that must be rejected are slipped in, and an amendment file
// re-sends some claims.

// Ledger files, in load order.
const (
	pl2023 = iota // uploads up to 2023: dates only, no status column
	pl2024
	pl2025
	plStatus // status updates (and cross-registrations)
)

const (
	il00 = iota // legacy: "Brand" heading, no upload date
	il01
	il02 // status updates: invalidations
	il03 // status updates: re-validations
)

var panelLedgerFiles = []string{"panel_ledger_2023.csv", "panel_ledger_2024.csv", "panel_ledger_2025.csv", "panel_ledger_2025_status.csv"}
var invLedgerFiles = []string{"inverter_ledger_00_legacy.csv", "inverter_ledger_01.csv", "inverter_ledger_02_status.csv", "inverter_ledger_03_status.csv"}

// panelFile is the ledger file of a base entry uploaded at t.
func panelFile(t ts) int8 {
	switch y := t.day().year(); {
	case y <= 2023:
		return pl2023
	case y == 2024:
		return pl2024
	}
	return pl2025
}

// invFile is the ledger file of inverter s's base entry.
func (w *world) invFile(s int32) int8 {
	if w.iGroups[w.invs.group[s]].t.day().year() <= 2023 && w.invs.flag[s]&flagNotLegacy == 0 {
		return il00
	}
	return il01
}

// Reasons a row is written to be rejected.
const (
	rejNone uint8 = iota
	rejBadDate
	rejBadKW
	rejDupID
)

// batch is one claims file. Its rows are claim indices, or for rejected
// rows -(index into world.rejects)-1; in the amendment file, indices into
// world.amends.
type batch struct {
	name  string
	month int // months since January 2024; -1 for the amendment file
	rows  []int32
	amend bool
	xlsx  bool
	alias bool // headers by aliases, another column order, an extra column
	bom   bool // UTF-8 byte-order mark and CRLF line ends
	dmy   bool // dates as DD/MM/YYYY
}

const amendAfterMonth = 12 // claims_2025_01_amend.csv follows claims_2025_01.csv

func monthOf(d day) int { y, m, _ := d.civil(); return (y-2024)*12 + m - 1 }

func monthName(m int) string {
	y, mm := 2024+m/12, m%12+1
	b := []byte("claims_")
	b = append4(b, y)
	b = append(b, '_')
	b = append2(b, mm)
	return string(b)
}

// arrange numbers the claims, batches them and adds rejects and amendments.
func (w *world) arrange(o Options) {
	rng := w.rng
	slices.SortStableFunc(w.claims, func(a, b claim) int { return int(a.submitted) - int(b.submitted) })
	num := int32(1_000_001 + rng.IntN(400_000))
	for i := range w.claims {
		w.claims[i].num = num
		num += 1 + int32(rng.IntN(5)/4)
	}
	nextFree := num + 10
	for i := range w.claims {
		m := monthOf(w.claims[i].submitted)
		if len(w.batches) == 0 || w.batches[len(w.batches)-1].month != m {
			w.batches = append(w.batches, batch{
				name: monthName(m), month: m,
				alias: m%7 == 3, bom: m%4 == 1, dmy: m%5 == 2,
			})
		}
		b := &w.batches[len(w.batches)-1]
		b.rows = append(b.rows, int32(i))
		w.claims[i].file = int16(len(w.batches) - 1)
	}
	if o.XLSX && len(w.batches) > 0 {
		x := len(w.batches) - 1
		for i, b := range w.batches {
			if b.month >= amendAfterMonth+2 {
				x = i
				break
			}
		}
		w.batches[x].xlsx = true
	}

	// Rows that must be rejected.
	n := len(w.claims)
	per := 1 + n/25000
	var ok []int
	for i, b := range w.batches {
		if !b.xlsx && len(b.rows) >= 2 {
			ok = append(ok, i)
		}
	}
	if len(ok) > 0 {
		used := map[int32]bool{}
		for _, r := range []uint8{rejBadDate, rejBadKW, rejDupID} {
			for range per {
				bi := ok[rng.IntN(len(ok))]
				b := &w.batches[bi]
				p := rng.IntN(len(b.rows))
				for try := 0; b.rows[p] < 0 && try < 100; try++ {
					p = rng.IntN(len(b.rows))
				}
				if b.rows[p] < 0 {
					continue
				}
				ci := b.rows[p]
				x := &w.claims[ci]
				row := *x
				row.reject, row.clean = r, nil
				row.file = int16(bi)
				if r == rejDupID {
					// The same claim keyed in twice with a change: the later row
					// re-uses the id and is rejected.
					x.frozen = true
					row.stcs += int64(1 + rng.IntN(3))
					row.installer = w.installers[rng.IntN(len(w.installers))]
				} else {
					// A claim that appears nowhere else; it copies its
					// neighbour's serials, which must count for nothing.
					cand := x.num + 1
					if int(ci)+1 < n && w.claims[ci+1].num == cand || used[cand] {
						cand = nextFree
						nextFree++
					}
					used[cand] = true
					row.num = cand
				}
				w.rejects = append(w.rejects, row)
				at := p + 1
				if r == rejDupID {
					at += rng.IntN(len(b.rows) - p)
				}
				b.rows = slices.Insert(b.rows, at, -int32(len(w.rejects)))
			}
		}
	}
	w.amend()
}

// amend re-sends some claims of the batches before the amendment file: some
// fix the claim's fault, some introduce one, some change nothing that matters.
func (w *world) amend() {
	rng := w.rng
	w.amendOf = make([]int32, len(w.claims))
	for i := range w.amendOf {
		w.amendOf[i] = -1
	}
	var fixable, cleanC []int32
	for i := range w.claims {
		c := &w.claims[i]
		if c.frozen || w.batches[c.file].month > amendAfterMonth {
			continue
		}
		if c.clean != nil {
			fixable = append(fixable, int32(i))
		} else if kind(c.kind) == kClean {
			cleanC = append(cleanC, int32(i))
		}
	}
	cands := len(fixable) + len(cleanC)
	total := (cands*3 + 50) / 100
	if total == 0 && cands >= 10 {
		total = 1
	}
	if total == 0 {
		return
	}
	rng.Shuffle(len(fixable), func(i, j int) { fixable[i], fixable[j] = fixable[j], fixable[i] })
	rng.Shuffle(len(cleanC), func(i, j int) { cleanC[i], cleanC[j] = cleanC[j], cleanC[i] })
	nFix := min(len(fixable), total*2/5)
	nIntro := min(len(cleanC), total*2/5)
	nNeutral := min(len(cleanC)-nIntro, total-nFix-nIntro)
	var targets []int32
	add := func(i int32, row claim) {
		row.clean = nil
		w.amends = append(w.amends, row)
		w.amendOf[i] = int32(len(w.amends) - 1)
		targets = append(targets, i)
	}
	for _, i := range fixable[:nFix] {
		c := &w.claims[i]
		row := *c.clean // as built, before the fault; numbered since
		row.num, row.file, row.submitted = c.num, c.file, c.submitted
		add(i, row)
	}
	for j, i := range cleanC[:nIntro+nNeutral] {
		if w.claims[i].frozen {
			continue // became a donor meanwhile
		}
		row := w.claims[i]
		row.panels, row.invs = slices.Clone(row.panels), slices.Clone(row.invs)
		if j < nIntro {
			w.introduce(i, &row)
		} else {
			w.neutral(&row)
		}
		add(i, row)
	}
	slices.SortFunc(targets, func(a, b int32) int { return int(w.claims[a].num - w.claims[b].num) })
	ab := batch{name: monthName(amendAfterMonth) + "_amend", month: -1, amend: true}
	for _, i := range targets {
		ab.rows = append(ab.rows, w.amendOf[i])
	}
	// Insert the amendment file after the batch it is named after.
	at := len(w.batches)
	for k, b := range w.batches {
		if b.month > amendAfterMonth {
			at = k
			break
		}
	}
	w.batches = slices.Insert(w.batches, at, ab)
	for i := range w.claims {
		if int(w.claims[i].file) >= at {
			w.claims[i].file++
		}
	}
	for i := range w.rejects {
		if int(w.rejects[i].file) >= at {
			w.rejects[i].file++
		}
	}
	for i := range w.amends {
		w.amends[i].file = int16(at)
	}
}

// introduce changes a clean claim's row so that it now has a fault.
func (w *world) introduce(i int32, row *claim) {
	rng := w.rng
	switch v := rng.IntN(5); {
	case v == 1:
		var bad []int
		for _, y := range []int{3, 10, w.maxYears(row.installed) + 1} {
			if !w.yearsAllowed(row.installed, y) {
				bad = append(bad, y)
			}
		}
		row.years = int16(bad[rng.IntN(len(bad))])
		row.stcs = stcsFor(row.kwW, w.ratings[int(row.zone)], int(row.years))
	case v == 2 && len(row.panels) >= 2:
		p := rng.IntN(len(row.panels))
		row.panels = slices.Delete(row.panels, p, p+1)
	case v == 3 && panelModels[row.pModel].rated:
		want := int64(row.panelCount) * int64(panelModels[row.pModel].watts)
		row.kwW = want + want*int64(4+rng.IntN(8))/100
		row.stcs = w.computed(row)
	case v == 4:
		d := w.pickDonor(i, func(j int32, c *claim) bool {
			return c.pModel == row.pModel && w.amendOf[j] < 0
		})
		if d >= 0 {
			dp := w.claims[d].panels
			row.panels[rng.IntN(len(row.panels))] = dp[rng.IntN(len(dp))]
			break
		}
		fallthrough
	default:
		row.stcs = w.computed(row) + 1 + int64(rng.IntN(30))
	}
}

// neutral re-sends a claim with changes no check cares about.
func (w *world) neutral(row *claim) {
	rng := w.rng
	switch rng.IntN(4) {
	case 0:
		row.installer = w.installers[rng.IntN(len(w.installers))]
	case 1:
		row.style ^= stySerialOdd | styBrandOdd
		row.sep = '|'
	case 2:
		row.stcs -= min(row.stcs, int64(1+rng.IntN(5)))
	case 3:
		row.notes = int8(rng.IntN(len(claimNotes)))
	}
}
