package gen

import (
	"slices"
	"strconv"
	"strings"
)

// What an unmatched serial most likely is (contract §3), computed from the
// world by the contract's words, not by the audit's method: every one-edit
// variant of the serial is looked up, and the ledger serials with its prefix
// and digit count are found by number.

// ledgerIndex finds ledger serials by text and by number.
type ledgerIndex struct {
	tab   *serialTab
	byFam [][]int32 // per family: the serials some loaded ledger row holds, by number
}

// ledgerRow is the brand and supplier (-1 for inverters) of one loaded row.
type ledgerRow struct{ brand, supplier int }

func (a *auditor) index(panel bool) *ledgerIndex {
	if panel && a.pIndex != nil {
		return a.pIndex
	}
	if !panel && a.iIndex != nil {
		return a.iIndex
	}
	t := a.w.invs
	if panel {
		t = a.w.panels
	}
	x := &ledgerIndex{tab: t, byFam: make([][]int32, len(t.fams))}
	for id := range int32(t.len()) {
		if len(a.ledgerRows(panel, id)) > 0 {
			x.byFam[t.fam[id]] = append(x.byFam[t.fam[id]], id)
		}
	}
	for _, ids := range x.byFam {
		slices.SortFunc(ids, func(i, j int32) int { return cmpU64(t.num[i], t.num[j]) })
	}
	if panel {
		a.pIndex = x
	} else {
		a.iIndex = x
	}
	return x
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ledgerRows lists the loaded ledger rows of serial id.
func (a *auditor) ledgerRows(panel bool, id int32) []ledgerRow {
	w := a.w
	var out []ledgerRow
	if panel {
		P := w.panels
		if P.model[id] >= 0 && P.flag[id]&(flagMangled|flagText) == 0 {
			out = append(out, ledgerRow{panelModels[P.model[id]].brand, int(w.pGroups[P.group[id]].supplier)})
		}
		for _, x := range a.pExtra[id] {
			e := w.pExtras[x]
			out = append(out, ledgerRow{panelModels[e.model].brand, int(e.supplier)})
		}
		return out
	}
	I := w.invs
	if I.model[id] >= 0 && I.flag[id]&flagText == 0 {
		out = append(out, ledgerRow{invModels[I.model[id]].brand, -1})
	}
	for _, x := range a.iExtra[id] {
		out = append(out, ledgerRow{invModels[w.iExtras[x].model].brand, -1})
	}
	return out
}

// lookup returns the serial whose family text is txt and that some ledger row holds, or -1.
func (x *ledgerIndex) lookup(txt string) int32 {
	for f, fam := range x.tab.fams {
		rest, ok := strings.CutPrefix(txt, fam.prefix)
		if !ok {
			continue
		}
		var num uint64
		if fam.dash {
			if len(rest) != fam.digits+1 || rest[fam.digits-2] != '-' {
				continue
			}
			hi, ok1 := digitsOnly(rest[:fam.digits-2])
			lo, ok2 := digitsOnly(rest[fam.digits-1:])
			if !ok1 || !ok2 {
				continue
			}
			num = hi*100 + lo
		} else {
			if len(rest) != fam.digits {
				continue
			}
			if num, ok = digitsOnly(rest); !ok {
				continue
			}
		}
		ids := x.byFam[f]
		i, found := slices.BinarySearchFunc(ids, num, func(id int32, n uint64) int { return cmpU64(x.tab.num[id], n) })
		if found {
			return ids[i]
		}
	}
	return -1
}

func digitsOnly(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

const serialAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./_"

// oneEdit calls fn with every text one substitution, insertion, deletion or
// adjacent swap away from s.
func oneEdit(s string, fn func(string)) {
	b := []byte(s)
	for i := 0; i <= len(b); i++ {
		for j := 0; j < len(serialAlphabet); j++ {
			c := serialAlphabet[j]
			fn(s[:i] + string(c) + s[i:]) // insertion
			if i < len(b) && c != b[i] {
				fn(s[:i] + string(c) + s[i+1:]) // substitution
			}
		}
		if i < len(b) {
			fn(s[:i] + s[i+1:]) // deletion
		}
		if i+1 < len(b) && b[i] != b[i+1] {
			fn(s[:i] + string(b[i+1]) + string(b[i]) + s[i+2:]) // swap
		}
	}
}

// triage says what the unmatched serial txt of a claim of brand br most likely is.
func (a *auditor) triage(panel bool, txt string, br int) string {
	x := a.index(panel)
	hold := a.iHold
	if panel {
		hold = a.pHold
	}
	typo := ""
	oneEdit(txt, func(v string) {
		if typo != "" && v >= typo {
			return
		}
		id := x.lookup(v)
		if id < 0 || hold[id] > 0 {
			return
		}
		for _, r := range a.ledgerRows(panel, id) {
			if r.brand == br {
				typo = v
				return
			}
		}
	})
	if typo != "" {
		return "likely typo of " + typo
	}
	if lo, hi, sup, ok := a.gap(panel, x, txt, br); ok {
		if panel {
			return "inside uploaded range " + lo + ".." + hi + " of " + a.w.suppliers[sup].name
		}
		return "inside uploaded range " + lo + ".." + hi + " of " + invBrands[br].name
	}
	name := ""
	if panel {
		name = panelBrands[br].name
	} else {
		name = invBrands[br].name
	}
	return "no similar serial of " + name + " in the ledger"
}

// gap finds the narrowest pair of ledger serials of brand br, both uploaded by
// one supplier, with txt's prefix and digit count, its number strictly between
// theirs and at most 1,000 apart.
func (a *auditor) gap(panel bool, x *ledgerIndex, txt string, br int) (lo, hi string, sup int, ok bool) {
	end := len(txt)
	for end > 0 && txt[end-1] >= '0' && txt[end-1] <= '9' {
		end--
	}
	prefix, run := txt[:end], txt[end:]
	n, isNum := digitsOnly(run)
	if !isNum {
		return
	}
	type near struct {
		lo, hi   uint64
		loT, hiT string
		has      [2]bool
	}
	bySup := map[int]*near{}
	consider := func(id int32, num uint64) {
		if num == n {
			return
		}
		for _, r := range a.ledgerRows(panel, id) {
			if r.brand != br {
				continue
			}
			g := bySup[r.supplier]
			if g == nil {
				g = &near{}
				bySup[r.supplier] = g
			}
			if num < n && (!g.has[0] || num > g.lo) {
				g.lo, g.loT, g.has[0] = num, x.tab.text(id), true
			}
			if num > n && (!g.has[1] || num < g.hi) {
				g.hi, g.hiT, g.has[1] = num, x.tab.text(id), true
			}
		}
	}
	for f, fam := range x.tab.fams {
		ids := x.byFam[f]
		var from, to, base uint64
		switch {
		case !fam.dash && prefix == fam.prefix && len(run) == fam.digits:
			from, to = n-min(n, 1000), n+1000
		case fam.dash && len(run) == 2 && len(prefix) == len(fam.prefix)+fam.digits-1 &&
			strings.HasPrefix(prefix, fam.prefix) && prefix[len(prefix)-1] == '-':
			h, ok := digitsOnly(prefix[len(fam.prefix) : len(prefix)-1])
			if !ok {
				continue
			}
			base = h * 100
			from, to = base, base+99
		default:
			continue
		}
		i, _ := slices.BinarySearchFunc(ids, from, func(id int32, v uint64) int { return cmpU64(x.tab.num[id], v) })
		for ; i < len(ids) && x.tab.num[ids[i]] <= to; i++ {
			consider(ids[i], x.tab.num[ids[i]]-base)
		}
	}
	best := -2
	var bw uint64
	for s, g := range bySup {
		if !g.has[0] || !g.has[1] || g.hi-g.lo > 1000 {
			continue
		}
		w := g.hi - g.lo
		if best == -2 || w < bw || (w == bw && a.supName(s) < a.supName(best)) ||
			(w == bw && a.supName(s) == a.supName(best) && g.loT < bySup[best].loT) {
			best, bw = s, w
		}
	}
	if best == -2 {
		return
	}
	g := bySup[best]
	return g.loT, g.hiT, best, true
}

func (a *auditor) supName(s int) string {
	if s < 0 {
		return ""
	}
	return a.w.suppliers[s].name
}
