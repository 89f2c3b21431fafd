package gen

import (
	"math/rand/v2"
	"testing"
)

// demand is what one serial family hands out at SF=10 (500,000 claims, seed
// 1, measured): deliveries (one skip each) and serials.
type demand struct {
	fams               []family
	fam                uint8
	deliveries, serial int
}

// The families that could run short. The 12-digit panel families hold
// 5×10^10 numbers each; at SF=150 the largest (Jinko) takes about 5×10^9.
var demands = []demand{
	{invFams, 0, 112_999, 129_871},  // Fronius, 8 digits
	{invFams, 1, 59_083, 76_060},    // SMA, 10 digits
	{invFams, 2, 142_155, 159_795},  // Sungrow, A + 10 digits
	{invFams, 3, 86_680, 99_968},    // GoodWe, GW + 12 digits
	{invFams, 4, 45_071, 889_776},   // Enphase, 12 digits (micro inverters)
	{invFams, 5, 56_024, 67_169},    // SolarEdge, 7F + 8 digits with a dash
	{panelFams, 4, 28_150, 710_940}, // REC, REC + 11 digits
}

// spend hands out scale × d's deliveries and serials from a family whose
// numbers start at the top of the first quarter of its range (the fewest
// numbers any seed leaves) and returns how many numbers are left.
func spend(t *testing.T, d demand, scale int) (left uint64, ran bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(d.fam), uint64(scale)))
	tab := newSerialTab(d.fams, rng, 0)
	f := d.fams[d.fam]
	tab.next[d.fam] = f.lo + (f.hi-f.lo)/4
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exhausted); !ok {
				panic(r)
			}
			left, ran = 0, true
		}
	}()
	deliveries, serials := scale*d.deliveries, scale*d.serial
	for i := range deliveries {
		tab.skip(rng, d.fam)
		n := serials/deliveries + btoi(rng.IntN(deliveries) < serials%deliveries)
		for range n {
			tab.fresh(rng, d.fam, 0, 0)
		}
		if i%1024 == 0 { // keep only the numbers, not the serials
			tab.fam, tab.num, tab.model = tab.fam[:0], tab.num[:0], tab.model[:0]
			tab.group, tab.status, tab.flag = tab.group[:0], tab.status[:0], tab.flag[:0]
		}
	}
	return f.hi - tab.next[d.fam], false
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// At SF=10 no family comes below a tenth of its range, where the gaps get
// smaller: the scenarios up to SF=10 are what they were before national
// scale was possible (the same bytes).
func TestFamiliesKeepTheirGapsToSF10(t *testing.T) {
	for _, d := range demands {
		f := d.fams[d.fam]
		left, ex := spend(t, d, 1)
		if ex || left < (f.hi-f.lo)/10 {
			t.Errorf("family %q%d at SF=10: %d numbers left, under a tenth of its range", f.prefix, f.digits, left)
		}
	}
}

// At 1.5 × SF=100 every family still has numbers: national scale (SF=50) and
// beyond can be generated.
func TestFamiliesLastAtNationalScale(t *testing.T) {
	if testing.Short() {
		t.Skip("hands out about 45 million serial numbers")
	}
	for _, d := range demands {
		f := d.fams[d.fam]
		if left, ex := spend(t, d, 15); ex {
			t.Errorf("family %q%d ran out at 1.5 × SF=100", f.prefix, f.digits)
		} else {
			t.Logf("family %q%d at 1.5 × SF=100: %d numbers left", f.prefix, f.digits, left)
		}
	}
}
