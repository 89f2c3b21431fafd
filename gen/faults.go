package gen

import (
	"context"
	"math"
	"slices"
)

// Faults and traps. Every claim is planned as clean, as carrying one fault
// (a condition one check of contract §3 must report) or as a trap (an edge
// the checks must NOT report). Faults are allotted by exact counts over a
// shuffled claim list, so the rates hold for any seed and every check fires
// in runs of a few hundred claims or more. The truth is not taken from this
// plan: it is recomputed from the finished world (truth.go), so where faults
// interact the expected findings are still exact.

type kind uint8

const (
	kClean kind = iota
	kPanelNotInLedger
	kPanelInvalid
	kPanelUnauth
	kPanelMismatch
	kPanelNotApproved
	kPanelDup
	kPanelCount
	kInvNotInLedger
	kInvInvalid
	kInvMismatch
	kInvNotApproved
	kInvDup
	kOverclaim
	kDeeming
	kTooLarge
	kLate
	kCapacity
	// Traps: nothing may be reported for these.
	tExact100     // 100.000 kW (not too large), zone 3, 5 years: exactly 691 STCs
	tExactZone2   // 6.250 kW, zone 2, 5 years: exactly 48 STCs (doubles may say 47.99…)
	tCapWithin    // rated output off by less than 1 %
	tCapNoWatts   // a model without wattage on any list: capacity is not checked
	tLateBoundary // submitted exactly 12 months (clamped) after installation
	tPanelRevalid // panel invalidated, then made valid again by a later upload
	tPanelStale   // an invalidation uploaded before the current (valid) entry
	tCrossReg     // the serial is also registered under another licensee
	tInvRevalid   // inverter invalidated (file 02), re-validated (file 03, same or later time)
	tInvStale     // inverter invalidation older than the entry it would replace
	tUnderclaim   // fewer STCs claimed than computed
	numKinds
)

// rates in claims per 10 000.
var rates = [numKinds]int{
	kPanelNotInLedger: 150,
	kPanelInvalid:     150,
	kPanelUnauth:      150,
	kPanelMismatch:    150,
	kPanelNotApproved: 100,
	kPanelDup:         150,
	kPanelCount:       150,
	kInvNotInLedger:   100,
	kInvInvalid:       100,
	kInvMismatch:      100,
	kInvNotApproved:   100,
	kInvDup:           100,
	kOverclaim:        150,
	kDeeming:          100,
	kTooLarge:         50,
	kLate:             100,
	kCapacity:         150,
	tExact100:         20,
	tExactZone2:       30,
	tCapWithin:        30,
	tCapNoWatts:       30,
	tLateBoundary:     20,
	tPanelRevalid:     30,
	tPanelStale:       30,
	tCrossReg:         30,
	tInvRevalid:       30,
	tInvStale:         30,
	tUnderclaim:       30,
}

// kindNames name the plan kinds (for the package documentation and tests).
var kindNames = [numKinds]string{
	kClean: "clean", kPanelNotInLedger: "panel.not_in_ledger", kPanelInvalid: "panel.invalid",
	kPanelUnauth: "panel.unauthorised_supplier", kPanelMismatch: "panel.model_mismatch",
	kPanelNotApproved: "panel.not_approved", kPanelDup: "panel.duplicate", kPanelCount: "panel.count_mismatch",
	kInvNotInLedger: "inverter.not_in_ledger", kInvInvalid: "inverter.invalid", kInvMismatch: "inverter.model_mismatch",
	kInvNotApproved: "inverter.not_approved", kInvDup: "inverter.duplicate", kOverclaim: "claim.stc_overclaim",
	kDeeming: "claim.deeming_period", kTooLarge: "claim.too_large", kLate: "claim.late",
	kCapacity: "claim.capacity_mismatch", tExact100: "trap.exact_100kw", tExactZone2: "trap.exact_zone2",
	tCapWithin: "trap.capacity_within_1pct", tCapNoWatts: "trap.capacity_no_wattage",
	tLateBoundary: "trap.late_boundary", tPanelRevalid: "trap.panel_revalidated", tPanelStale: "trap.panel_stale_invalidation",
	tCrossReg: "trap.panel_cross_registered", tInvRevalid: "trap.inverter_revalidated",
	tInvStale: "trap.inverter_stale_invalidation", tUnderclaim: "trap.underclaim",
}

// allot returns the plan kind of each of n claims.
func (w *world) allot(n int) []kind {
	counts := make([]int, numKinds)
	total := 0
	for k := kind(1); k < numKinds; k++ {
		c := (rates[k]*n + 5000) / 10000
		if c == 0 && n >= 200 {
			c = 1
		}
		counts[k] = c
		total += c
	}
	// Tiny runs: keep at least half the claims clean.
	for k := numKinds - 1; total > n/2 && k > 0; k-- {
		for counts[k] > 0 && total > n/2 {
			counts[k]--
			total--
		}
	}
	plan := make([]kind, n)
	perm := w.rng.Perm(n)
	i := 0
	for k := kind(1); k < numKinds; k++ {
		for range counts[k] {
			plan[perm[i]] = k
			i++
		}
	}
	return plan
}

// buildAll builds every claim for its plan, then applies the faults and traps
// that change fields, lists or the ledger.
func (w *world) buildAll(ctx context.Context, n int) error {
	plan := w.allot(n)
	w.claims = make([]claim, n)
	// Claims that copy serials from others are built last, with a donor.
	isDup := func(k kind) bool { return k == kPanelDup || k == kInvDup }
	for i, k := range plan {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if isDup(k) {
			continue
		}
		c := w.build(w.specFor(k))
		c.kind = uint8(k)
		w.claims[i] = c
	}
	for i, k := range plan {
		if isDup(k) {
			w.buildDup(int32(i), k)
		}
	}
	for i := range w.claims {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		w.mutate(&w.claims[i])
	}
	return nil
}

// specFor says how to build a claim of plan kind k.
func (w *world) specFor(k kind) spec {
	sp := defaultSpec()
	rng := w.rng
	switch k {
	case kPanelNotApproved:
		switch rng.IntN(4) {
		case 0:
			sp.pModel = modelsWith(stExpired)[0]
		case 1:
			sp.pModel = modelsWith(stFuture)[0]
			sp.instTo = mkDay(2025, 10, 25)
		case 2:
			sp.pModel = modelsWith(stUnlisted)[0]
		case 3:
			sp.pModel = modelsWith(stGap)[0]
			sp.instFrom, sp.instTo = gapFrom, gapTo
		}
		sp.unapprovedOK = true
	case kInvNotApproved:
		for i, m := range invModels {
			if (m.status == stExpired || m.status == stUnlisted) && (sp.iModel < 0 || rng.IntN(2) == 0) {
				sp.iModel = i
			}
		}
	case kTooLarge:
		sp.largeW = w.limitW + 1 + int64(rng.IntN(80000))
	case kLate:
		sp.instFrom, sp.instTo = mkDay(2024, 1, 3), mkDay(2024, 6, 25)
		sp.late, sp.lateBy = true, 1+rng.IntN(150)
		if w.lateBoundaryDone == 0 {
			w.lateBoundaryDone++
			sp.instFrom, sp.instTo, sp.lateBy = mkDay(2024, 2, 29), mkDay(2024, 2, 29), 1
		}
	case tLateBoundary:
		ends := []day{mkDay(2024, 2, 29), mkDay(2024, 1, 31), mkDay(2024, 3, 31), mkDay(2024, 5, 31)}
		d := ends[rng.IntN(len(ends))]
		sp.instFrom, sp.instTo, sp.late = d, d, true
	case kCapacity, tCapWithin:
		sp.needRated = true
	case tCapNoWatts:
		em := modelsWith(stExportOnly)
		sp.pModel = em[rng.IntN(len(em))]
	case tExact100:
		sp.pModel = w.modelByWatts(400)
		sp.panels = int(w.limitW / 400)
		sp.zone, sp.years = 3, 5
		sp.iModel, sp.iCount = 14, 2 // Sungrow SG50CX
	case tExactZone2:
		sp.pModel = w.modelByWatts(415)
		sp.panels = 15
		sp.zone, sp.years = 2, 5
	}
	return sp
}

func (w *world) modelByWatts(watts int) int {
	var c []int
	for i, m := range panelModels {
		if m.watts == watts && m.status == stUsable {
			c = append(c, i)
		}
	}
	return c[w.rng.IntN(len(c))]
}

// pickDonor chooses a clean, already built claim whose serials another
// claim will also list; the donor is frozen (never amended).
func (w *world) pickDonor(self int32, ok func(int32, *claim) bool) int32 {
	n := int32(len(w.claims))
	start := int32(w.rng.IntN(int(n)))
	for j := range n {
		i := (start + j) % n
		c := &w.claims[i]
		if i != self && c.panels != nil && kind(c.kind) == kClean && !c.frozen && ok(i, c) {
			c.frozen = true
			return i
		}
	}
	return -1
}

// buildDup builds a duplicate-serial claim: another claim's serial, listed
// again (same model, so no other check fires), or one serial listed twice.
func (w *world) buildDup(i int32, k kind) {
	rng := w.rng
	sp := defaultSpec()
	cross := rng.IntN(10) < 7
	var donor int32 = -1
	if cross {
		donor = w.pickDonor(i, func(int32, *claim) bool { return true })
	}
	if donor >= 0 {
		d := &w.claims[donor]
		if k == kPanelDup {
			sp.pModel = int(d.pModel)
		} else {
			sp.iModel = int(d.iModel)
		}
	}
	c := w.build(sp)
	c.kind = uint8(k)
	snap := c
	snap.panels, snap.invs = slices.Clone(c.panels), slices.Clone(c.invs)
	c.clean = &snap
	if k == kPanelDup {
		if donor >= 0 {
			d := &w.claims[donor]
			c.variant = 0
			c.panels[rng.IntN(len(c.panels))] = d.panels[rng.IntN(len(d.panels))]
		} else {
			// The installer typed one serial twice (and missed another): the
			// repeat also makes panel_count differ from the distinct serials.
			c.variant = 1
			p1 := rng.IntN(len(c.panels))
			p2 := (p1 + 1 + rng.IntN(len(c.panels)-1)) % len(c.panels)
			c.panels[p2] = c.panels[p1]
		}
	} else {
		if donor >= 0 {
			d := &w.claims[donor]
			c.variant = 0
			c.invs[rng.IntN(len(c.invs))] = d.invs[rng.IntN(len(d.invs))]
		} else {
			c.variant = 1
			if len(c.invs) == 1 {
				c.invs = append(c.invs, c.invs[0])
			} else {
				p1 := rng.IntN(len(c.invs))
				p2 := (p1 + 1 + rng.IntN(len(c.invs)-1)) % len(c.invs)
				c.invs[p2] = c.invs[p1]
			}
		}
	}
	w.claims[i] = c
}

// positions picks k distinct positions of n.
func (w *world) positions(n, k int) []int {
	k = min(k, n)
	return w.rng.Perm(n)[:k]
}

func (w *world) fewPositions(n int) []int {
	k := 1
	if w.rng.IntN(4) == 0 {
		k += 1 + w.rng.IntN(2)
	}
	return w.positions(n, k)
}

// laterDay is a day some days after d, kept inside the sample world (but
// always after d).
func (w *world) laterDay(d day, minGap, maxGap int) day {
	x := d + day(minGap+w.rng.IntN(maxGap-minGap+1))
	if lim := mkDay(2025, 12, 20); x > lim {
		x = max(lim, d+1)
	}
	return x
}

// updateSupplier is who posts a status update for a panel on day d: the
// original supplier if still authorised, else another authorised one.
func (w *world) updateSupplier(orig int8, br int, d day) int8 {
	if orig >= 0 && w.authorised(int(orig), true, br, d) {
		return orig
	}
	return w.pickSupplier(br, d)
}

func (w *world) addPanelExtra(s int32, model int16, sup int8, t ts, status uint8) {
	w.extraSeq++
	w.pExtras = append(w.pExtras, extra{serial: s, model: model, supplier: sup, t: t, status: status, file: plStatus, seq: w.extraSeq})
}

func (w *world) addInvExtra(s int32, t ts, status uint8, file int8) {
	w.extraSeq++
	w.invs.flag[s] |= flagNotLegacy
	w.iExtras = append(w.iExtras, extra{serial: s, model: w.invs.model[s], supplier: -1, t: t, status: status, file: file, seq: w.extraSeq})
}

func (w *world) reason() uint8 { return uint8(1 + w.rng.IntN(len(invalidReasons))) }

// keepClean snapshots a claim before a fault a later amendment may fix.
func keepClean(c *claim) {
	snap := *c
	snap.panels, snap.invs = slices.Clone(c.panels), slices.Clone(c.invs)
	c.clean = &snap
}

// mutate applies a claim's fault or trap to its fields, lists or ledger entries.
func (w *world) mutate(c *claim) {
	rng := w.rng
	P, I := w.panels, w.invs
	br := panelModels[c.pModel].brand
	switch kind(c.kind) {
	case kPanelNotInLedger:
		for _, p := range w.fewPositions(len(c.panels)) {
			s := c.panels[p]
			if w.sciCount < w.sciWanted {
				// Registered, but the ledger row's serial was mangled by a
				// spreadsheet: the row is rejected, so the serial is in no entry.
				w.sciCount++
				c.variant = 1
				ns := P.fresh(rng, panelNumericFam, P.model[s], P.group[s])
				P.flag[ns] |= flagMangled
				c.panels[p] = ns
			} else {
				c.panels[p] = w.unmatched(P, s, panelBrands[br].fam)
			}
		}
	case kPanelInvalid:
		for _, p := range w.positions(len(c.panels), 1+rng.IntN(2)) {
			s := c.panels[p]
			g := w.pGroups[P.group[s]]
			if g.t.day().year() >= 2024 && rng.IntN(2) == 0 {
				P.status[s] = w.reason()
				continue
			}
			c.variant = 1
			d := w.laterDay(g.t.day(), 5, 200)
			w.addPanelExtra(s, P.model[s], w.updateSupplier(g.supplier, br, d), w.businessTime(d), w.reason())
		}
	case kPanelUnauth:
		k := 1 + rng.IntN(3) // a few panels of the system...
		if rng.IntN(5) == 0 {
			k = len(c.panels) // ...or the whole pallet
		}
		g := w.pGroups[P.group[c.panels[0]]]
		t, sup := g.t, int8(-1)
		switch v := rng.IntN(4); {
		case v == 1 && w.authorisedEver(supLapsed, br):
			c.variant = 1 // authorisation lapsed before the upload
			sup = supLapsed
			if t.day() <= lapsedTo+7 {
				t = w.businessTime(w.between(lapsedTo+10, mkDay(2025, 6, 30)))
			}
		case v == 2 && w.authorisedEver(supLate, br):
			c.variant = 2 // uploaded before the authorisation began
			sup = supLate
			if t.day() >= lateFrom-7 {
				t = w.businessTime(w.between(mkDay(2023, 6, 1), lateFrom-10))
			}
		case v == 3:
			c.variant = 3 // a supplier not on the list at all
			sup = supUnlisted
		default:
			var cand []int8
			for s := range w.suppliers {
				if w.suppliers[s].normal && !w.authorisedEver(s, br) {
					cand = append(cand, int8(s))
				}
			}
			sup = cand[rng.IntN(len(cand))]
		}
		ng := w.newPanelGroup(t, sup)
		for _, p := range w.positions(len(c.panels), k) {
			P.group[c.panels[p]] = ng
		}
	case kPanelMismatch:
		ps := w.positions(len(c.panels), 1+rng.IntN(2))
		if rng.IntN(2) == 0 {
			// Same licensee, another model.
			var other []int
			for i, m := range panelModels {
				if m.brand == br && i != int(c.pModel) && m.weight > 0 {
					other = append(other, i)
				}
			}
			om := int16(other[rng.IntN(len(other))])
			for _, p := range ps {
				P.model[c.panels[p]] = om
			}
			break
		}
		// Registered under another licensee only.
		c.variant = 1
		var other []int
		for i, m := range panelModels {
			if m.brand != br && m.weight > 0 {
				other = append(other, i)
			}
		}
		om := other[rng.IntN(len(other))]
		g := w.pGroups[P.group[c.panels[ps[0]]]]
		ng := w.newPanelGroup(g.t, w.pickSupplier(panelModels[om].brand, g.t.day()))
		for _, p := range ps {
			P.model[c.panels[p]] = int16(om)
			P.group[c.panels[p]] = ng
		}
	case kPanelCount:
		keepClean(c)
		if rng.IntN(2) == 0 || len(c.panels) < 2 {
			// A serial left off the list.
			p := rng.IntN(len(c.panels))
			c.panels = slices.Delete(c.panels, p, p+1)
		} else {
			// A spare panel from the same pallet listed as well.
			c.variant = 1
			s := c.panels[0]
			c.panels = append(c.panels, P.fresh(rng, P.fam[s], P.model[s], P.group[s]))
		}
	case kInvNotInLedger:
		p := rng.IntN(len(c.invs))
		c.invs[p] = w.unmatched(I, c.invs[p], invBrands[invModels[c.iModel].brand].fam)
	case kInvInvalid:
		// The base files carry no status: invalidations come in file 02.
		s := c.invs[rng.IntN(len(c.invs))]
		g := w.iGroups[I.group[s]]
		t1 := w.businessTime(w.laterDay(g.t.day(), 5, 200))
		w.addInvExtra(s, t1, w.reason(), il02)
		if rng.IntN(3) == 0 {
			// A re-validation in the later file 03, but uploaded before the
			// invalidation: the later upload (02) still wins.
			c.variant = 1
			w.addInvExtra(s, t1-ts(secondsPerDay*(1+rng.IntN(3))), 0, il03)
		}
	case kInvMismatch:
		s := c.invs[rng.IntN(len(c.invs))]
		ib := invModels[c.iModel].brand
		var other []int
		sameBrand := rng.IntN(2) == 0
		if !sameBrand {
			c.variant = 1
		}
		for i, m := range invModels {
			if i != int(c.iModel) && m.status == stUsable && (m.brand == ib) == sameBrand {
				other = append(other, i)
			}
		}
		I.model[s] = int16(other[rng.IntN(len(other))])
	case kOverclaim:
		keepClean(c)
		r := w.ratings[int(c.zone)]
		exact := c.kwW * r.num * int64(c.years) % (1000 * r.scale)
		switch v := rng.IntN(3); {
		case v == 1 && exact != 0:
			c.variant = 1 // rounded up instead of down
			c.stcs = w.computed(c) + 1
		case v == 2 && c.zone != 1 && stcsFor(c.kwW, w.ratings[1], int(c.years)) > w.computed(c):
			c.variant = 2 // figured with the zone 1 rating
			c.stcs = stcsFor(c.kwW, w.ratings[1], int(c.years))
		default:
			c.stcs = w.computed(c) + 1 + int64(rng.IntN(40))
		}
	case kDeeming:
		keepClean(c)
		var bad []int
		for _, y := range []int{2, 3, 4, 10, 15, w.maxYears(c.installed) + 1} {
			if !w.yearsAllowed(c.installed, y) {
				bad = append(bad, y)
			}
		}
		c.years = int16(bad[rng.IntN(len(bad))])
		if rng.IntN(5) < 3 {
			// STCs figured with the bad period (an overclaim too if it is longer).
			c.stcs = stcsFor(c.kwW, w.ratings[int(c.zone)], int(c.years))
		} else {
			c.variant = 1
			c.stcs = w.computed(c)
		}
	case kCapacity:
		keepClean(c)
		want := int64(c.panelCount) * int64(panelModels[c.pModel].watts)
		acW := int64(invModels[c.iModel].acW) * int64(len(c.invs))
		if rng.IntN(3) == 0 && capacityOff(acW, int(c.panelCount), panelModels[c.pModel].watts) && acW <= w.limitW {
			c.variant = 1 // the inverter's AC rating claimed as the system size
			c.kwW = acW
		} else {
			pct := int64(2 + rng.IntN(14))
			d := want * pct / 100
			if rng.IntN(3) == 0 {
				d = -d
			}
			c.kwW = want + d
		}
		c.stcs = w.computed(c)
	case tExactZone2:
		c.kwW = 6250
		c.stcs = w.computed(c)
	case tCapWithin:
		want := int64(c.panelCount) * int64(panelModels[c.pModel].watts)
		d := max(want*(20+int64(rng.IntN(80)))/10000, 1)
		if rng.IntN(2) == 0 {
			d = -d
		}
		c.kwW = want + d
		c.stcs = w.computed(c)
	case tCapNoWatts:
		c.kwW = c.kwW * int64(105+rng.IntN(20)) / 100
		c.stcs = w.computed(c)
	case tPanelRevalid:
		s := c.panels[rng.IntN(len(c.panels))]
		g := w.pGroups[P.group[s]]
		d1 := w.laterDay(g.t.day(), 10, 100)
		d2 := w.laterDay(d1, 1, 40)
		w.addPanelExtra(s, P.model[s], w.updateSupplier(g.supplier, br, d1), w.businessTime(d1), w.reason())
		t2 := w.businessTime(d2)
		if last := w.pExtras[len(w.pExtras)-1].t; t2 <= last {
			t2 = last + 3600
		}
		w.addPanelExtra(s, P.model[s], w.updateSupplier(g.supplier, br, d2), t2, 0)
	case tPanelStale:
		s := c.panels[rng.IntN(len(c.panels))]
		g := w.pGroups[P.group[s]]
		d := g.t.day() - day(1+rng.IntN(30))
		w.addPanelExtra(s, P.model[s], w.updateSupplier(g.supplier, br, d), w.businessTime(d)-secondsPerDay/2, w.reason())
	case tCrossReg:
		s := c.panels[rng.IntN(len(c.panels))]
		var other []int
		for i, m := range panelModels {
			if m.brand != br && m.weight > 0 {
				other = append(other, i)
			}
		}
		om := other[rng.IntN(len(other))]
		d := w.laterDay(w.pGroups[P.group[s]].t.day(), 1, 100)
		w.addPanelExtra(s, int16(om), w.pickSupplier(panelModels[om].brand, d), w.businessTime(d), 0)
	case tInvRevalid:
		s := c.invs[rng.IntN(len(c.invs))]
		g := w.iGroups[I.group[s]]
		t1 := w.businessTime(w.laterDay(g.t.day(), 5, 150))
		w.addInvExtra(s, t1, w.reason(), il02)
		t2 := t1 // a tie: the later file wins
		if rng.IntN(2) == 0 {
			t2 = t1 + ts(secondsPerDay*(1+rng.IntN(30)))
		}
		w.addInvExtra(s, t2, 0, il03)
	case tInvStale:
		s := c.invs[rng.IntN(len(c.invs))]
		g := w.iGroups[I.group[s]]
		w.addInvExtra(s, g.t-ts(secondsPerDay*(1+rng.IntN(60))), w.reason(), il02)
	case tUnderclaim:
		c.stcs -= min(c.stcs, int64(1+rng.IntN(10)))
	}
}

// authorisedEver reports whether supplier s has any panel authorisation for brand br.
func (w *world) authorisedEver(s, br int) bool {
	if !w.suppliers[s].listed {
		return false
	}
	for _, a := range w.auths {
		if a.supplier == s && a.panel && a.brand == br {
			return true
		}
	}
	return false
}

// neverTime stands for the ingest time of an undated ledger row: later than
// every dated row.
const neverTime = ts(math.MaxInt64)

// unmatched makes the claimed serial s one that is in no ledger entry, in one
// of the three ways contract §3 tells apart: the installer mistyped s (the
// claim lists the typo; s stays in the ledger, unclaimed), the supplier's
// upload left s out (its neighbours are in the ledger), or the serial is made
// up. It returns the serial the claim lists.
func (w *world) unmatched(t *serialTab, s int32, fam uint8) int32 {
	switch w.rng.IntN(3) {
	case 0:
		if ns := t.typo(w.rng, s); ns >= 0 {
			return ns
		}
	case 1:
		if ns := t.unused(w.rng, fam, t.group[s]); ns >= 0 {
			return ns
		}
	}
	t.model[s] = -1
	return s
}
