package gen

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
)

// The truth: the contract's checks (§3), run over the finished world exactly
// as the audit must run them over the loaded files. It looks only at what
// loads: the latest version of every claim (amendments replace), no rejected
// row, no mangled ledger row. It does not consult the fault plan.

// Rule ids of contract §3.
const (
	rPanelNotInLedger = "panel.not_in_ledger"
	rPanelInvalid     = "panel.invalid"
	rPanelUnauth      = "panel.unauthorised_supplier"
	rPanelMismatch    = "panel.model_mismatch"
	rPanelNotApproved = "panel.not_approved"
	rPanelDup         = "panel.duplicate"
	rPanelCount       = "panel.count_mismatch"
	rInvNotInLedger   = "inverter.not_in_ledger"
	rInvInvalid       = "inverter.invalid"
	rInvMismatch      = "inverter.model_mismatch"
	rInvNotApproved   = "inverter.not_approved"
	rInvDup           = "inverter.duplicate"
	rUnknownPostcode  = "claim.unknown_postcode"
	rOverclaim        = "claim.stc_overclaim"
	rDeeming          = "claim.deeming_period"
	rTooLarge         = "claim.too_large"
	rLate             = "claim.late"
	rCapacity         = "claim.capacity_mismatch"
)

// allRules lists every rule id of contract §3.
var allRules = []string{
	rPanelNotInLedger, rPanelInvalid, rPanelUnauth, rPanelMismatch, rPanelNotApproved, rPanelDup, rPanelCount,
	rInvNotInLedger, rInvInvalid, rInvMismatch, rInvNotApproved, rInvDup,
	rUnknownPostcode, rOverclaim, rDeeming, rTooLarge, rLate, rCapacity,
}

type finding struct {
	claim     int32
	component string
	serial    string
	rule      string
	severity  string
	detail    string
}

// entry is one loaded ledger row for a serial.
type entry struct {
	model    int16
	supplier int8
	t        ts
	file     int8
	line     int32
	status   uint8
}

func (e entry) after(o entry) bool {
	if e.t != o.t {
		return e.t > o.t
	}
	if e.file != o.file {
		return e.file > o.file
	}
	return e.line > o.line
}

// latestRows returns the loaded version of every claim, in claim order.
func (w *world) latestRows() []*claim {
	out := make([]*claim, len(w.claims))
	for i := range w.claims {
		if a := w.amendOf[i]; a >= 0 {
			out[i] = &w.amends[a]
		} else {
			out[i] = &w.claims[i]
		}
	}
	return out
}

type auditor struct {
	w       *world
	rows    []*claim
	pExtra  map[int32][]int32
	iExtra  map[int32][]int32
	pHold   []int32 // number of distinct claims listing each panel serial
	iHold   []int32
	pOthers map[int32][]int32 // claim numbers listing a duplicated serial
	iOthers map[int32][]int32
	pIndex  *ledgerIndex // built on first use by triage.go
	iIndex  *ledgerIndex
	out     []finding
}

func (w *world) truth(ctx context.Context) ([]finding, error) {
	a := &auditor{w: w, rows: w.latestRows(), pExtra: map[int32][]int32{}, iExtra: map[int32][]int32{}}
	for i, e := range w.pExtras {
		a.pExtra[e.serial] = append(a.pExtra[e.serial], int32(i))
	}
	for i, e := range w.iExtras {
		a.iExtra[e.serial] = append(a.iExtra[e.serial], int32(i))
	}
	a.pHold, a.pOthers = a.holders(w.panels.len(), func(c *claim) []int32 { return c.panels })
	a.iHold, a.iOthers = a.holders(w.invs.len(), func(c *claim) []int32 { return c.invs })
	for i, c := range a.rows {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		a.claim(c)
	}
	slices.SortFunc(a.out, func(x, y finding) int {
		return cmp.Or(cmp.Compare(x.claim, y.claim), strings.Compare(x.rule, y.rule), strings.Compare(x.serial, y.serial))
	})
	return a.out, nil
}

// holders counts, per serial, the distinct claims listing it, and for the
// serials held by two or more lists those claims' numbers.
func (a *auditor) holders(n int, list func(*claim) []int32) ([]int32, map[int32][]int32) {
	hold := make([]int32, n)
	stamp := make([]int32, n)
	for i, c := range a.rows {
		for _, s := range list(c) {
			if stamp[s] != int32(i)+1 {
				stamp[s] = int32(i) + 1
				hold[s]++
			}
		}
	}
	others := map[int32][]int32{}
	for i, c := range a.rows {
		for _, s := range list(c) {
			if hold[s] >= 2 && stamp[s] != -int32(i)-1 {
				stamp[s] = -int32(i) - 1
				others[s] = append(others[s], c.num)
			}
		}
	}
	return hold, others
}

func (a *auditor) add(c *claim, comp, serial, rule, detail string) {
	sev := "error"
	if rule == rCapacity {
		sev = "warning"
	}
	a.out = append(a.out, finding{claim: c.num, component: comp, serial: serial, rule: rule, severity: sev, detail: detail})
}

// distinct returns the serials of a list in first-listed order, and those
// listed more than once.
func distinct(list []int32) (uniq, twice []int32) {
	for i, s := range list {
		if slices.Contains(list[:i], s) {
			if !slices.Contains(twice, s) {
				twice = append(twice, s)
			}
			continue
		}
		uniq = append(uniq, s)
	}
	return
}

// distinctFast is distinct for long lists (large systems).
func distinctFast(list []int32) (uniq, twice []int32) {
	if len(list) <= 64 {
		return distinct(list)
	}
	seen := make(map[int32]bool, len(list))
	for _, s := range list {
		if seen[s] {
			if !slices.Contains(twice, s) {
				twice = append(twice, s)
			}
			continue
		}
		seen[s] = true
		uniq = append(uniq, s)
	}
	return
}

func (a *auditor) claim(c *claim) {
	w := a.w
	pm := panelModels[c.pModel]
	im := invModels[c.iModel]

	uniq, twice := distinctFast(c.panels)
	for _, s := range uniq {
		text := w.panels.text // formatted only for a finding
		if slices.Contains(twice, s) || a.pHold[s] >= 2 {
			a.add(c, "panel", text(s), rPanelDup, a.dupDetail(c, a.pOthers[s], slices.Contains(twice, s)))
		}
		e, ok := a.match(true, s, pm.brand)
		if !ok {
			a.add(c, "panel", text(s), rPanelNotInLedger, a.triage(true, text(s), pm.brand)+"; serial is in no panel-ledger entry")
			continue
		}
		em := panelModels[e.model]
		if e.status != 0 {
			a.add(c, "panel", text(s), rPanelInvalid, "ledger status invalid: "+invalidReasons[e.status-1])
		}
		if w.pKeys[e.model] != w.pKeys[c.pModel] {
			a.add(c, "panel", text(s), rPanelMismatch, "ledger has "+panelBrands[em.brand].name+" "+em.name)
		}
		if !w.authorised(int(e.supplier), true, em.brand, e.t.day()) {
			a.add(c, "panel", text(s), rPanelUnauth, w.suppliers[e.supplier].name+" not authorised for "+
				panelBrands[em.brand].name+" on "+e.t.day().String())
		}
	}
	if len(uniq) != int(c.panelCount) {
		a.add(c, "panel", "", rPanelCount, "panel_count "+strconv.Itoa(int(c.panelCount))+", "+
			strconv.Itoa(len(uniq))+" distinct serials listed")
	}
	if !w.panelApproved(int(c.pModel), c.installed) {
		a.add(c, "panel", "", rPanelNotApproved, pm.name+" not CEC approved on "+c.installed.String())
	}

	uniq, twice = distinctFast(c.invs)
	for _, s := range uniq {
		text := w.invs.text
		if slices.Contains(twice, s) || a.iHold[s] >= 2 {
			a.add(c, "inverter", text(s), rInvDup, a.dupDetail(c, a.iOthers[s], slices.Contains(twice, s)))
		}
		e, ok := a.match(false, s, im.brand)
		if !ok {
			a.add(c, "inverter", text(s), rInvNotInLedger, a.triage(false, text(s), im.brand)+"; serial is in no inverter-ledger entry")
			continue
		}
		em := invModels[e.model]
		if e.status != 0 {
			a.add(c, "inverter", text(s), rInvInvalid, "ledger status invalid: "+invalidReasons[e.status-1])
		}
		if w.iKeys[e.model] != w.iKeys[c.iModel] {
			a.add(c, "inverter", text(s), rInvMismatch, "ledger has "+invBrands[em.brand].name+" "+em.name)
		}
	}
	if !w.invApproved(int(c.iModel), c.installed) {
		a.add(c, "inverter", "", rInvNotApproved, im.name+" not CEC approved on "+c.installed.String())
	}

	if watts := w.ratedWatts(int(c.pModel)); watts > 0 && capacityOff(c.kwW, int(c.panelCount), watts) {
		a.add(c, "claim", "", rCapacity, "rated_output_kw "+string(appendKW(nil, c.kwW, true))+" vs "+
			strconv.Itoa(int(c.panelCount))+" x "+strconv.Itoa(watts)+" W")
	}
	if _, ok := w.ratings[int(c.zone)]; !ok || c.zone == 0 {
		a.add(c, "claim", "", rUnknownPostcode, "postcode in no zone range")
	} else if got := w.computed(c); c.stcs > got {
		a.add(c, "claim", "", rOverclaim, "claimed "+strconv.FormatInt(c.stcs, 10)+", computed "+strconv.FormatInt(got, 10))
	}
	if !w.yearsAllowed(c.installed, int(c.years)) {
		a.add(c, "claim", "", rDeeming, "deeming_years "+strconv.Itoa(int(c.years))+" not allowed for "+strconv.Itoa(c.installed.year()))
	}
	if c.kwW > w.limitW {
		a.add(c, "claim", "", rTooLarge, "rated_output_kw "+string(appendKW(nil, c.kwW, true))+" over the small-scale limit")
	}
	if end := addMonths(c.installed, w.cfg.STC.ClaimWindowMonths); c.submitted > end {
		a.add(c, "claim", "", rLate, "submitted "+c.submitted.String()+", window closed "+end.String())
	}
}

func (a *auditor) dupDetail(c *claim, holders []int32, twice bool) string {
	var parts []string
	if twice {
		parts = append(parts, "listed twice in this claim")
	}
	var others []string
	for _, n := range holders {
		if n != c.num {
			others = append(others, claimID(n))
		}
	}
	if len(others) > 0 {
		parts = append(parts, "also in "+strings.Join(others, " "))
	}
	return strings.Join(parts, "; ")
}

// match finds the ledger entry a claimed serial is checked against: the
// current entry under the claim's brand, else the latest current entry of
// any other brand.
func (a *auditor) match(panel bool, s int32, brand int) (entry, bool) {
	w := a.w
	var entries [8]entry
	es := entries[:0]
	if panel {
		P := w.panels
		if P.model[s] >= 0 && P.flag[s]&flagMangled == 0 {
			g := w.pGroups[P.group[s]]
			es = append(es, entry{model: P.model[s], supplier: g.supplier, t: g.t, file: panelFile(g.t), status: P.status[s]})
		}
		for _, x := range a.pExtra[s] {
			e := w.pExtras[x]
			es = append(es, entry{model: e.model, supplier: e.supplier, t: e.t, file: e.file, line: e.line, status: e.status})
		}
	} else {
		I := w.invs
		if I.model[s] >= 0 {
			t, f := w.iGroups[I.group[s]].t, w.invFile(s)
			if f == il00 {
				t = neverTime // undated: loaded with the ingest time
			}
			es = append(es, entry{model: I.model[s], supplier: -1, t: t, file: f, status: I.status[s]})
		}
		for _, x := range a.iExtra[s] {
			e := w.iExtras[x]
			es = append(es, entry{model: e.model, supplier: -1, t: e.t, file: e.file, line: e.line, status: e.status})
		}
	}
	// brands compare by key, as the audit compares them
	brandOf := func(m int16) string {
		if panel {
			return w.pBrand[panelModels[m].brand]
		}
		return w.iBrand[invModels[m].brand]
	}
	var claimed string
	if panel {
		claimed = w.pBrand[brand]
	} else {
		claimed = w.iBrand[brand]
	}
	var best entry
	found := false
	for _, e := range es {
		if brandOf(e.model) == claimed && (!found || e.after(best)) {
			best, found = e, true
		}
	}
	if found {
		return best, true
	}
	for _, e := range es {
		if !found || e.after(best) {
			best, found = e, true
		}
	}
	return best, found
}
