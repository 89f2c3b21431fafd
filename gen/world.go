package gen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"stcrecon/configs"
	"stcrecon/pipeline/names"
)

// The world model: every serial number, ledger upload and claim, held as
// small integers. Names and texts are only produced by the writers; the truth
// is computed from this model, so what is written and what is expected come
// from the same facts.

// Serial flags.
const (
	flagMangled   uint8 = 1 << iota // its ledger row is written as 1.23457E+11 and rejected
	flagNotLegacy                   // inverter: keep it out of the legacy (undated) file
	flagText                        // its text is texts[id], a mistyped copy of another serial's
)

// serialTab holds every serial of one component (panel or inverter). A serial
// is its index. Its base ledger entry, if any, is (model, group, status).
type serialTab struct {
	fams   []family
	next   []uint64 // per family: the last number handed out
	start  []uint64 // per family: the first number handed out is above this
	texts  map[int32]string
	taken  map[string]bool // texts of typo and made-up serials, so none is handed out twice
	fam    []uint8
	num    []uint64
	model  []int16 // model the base ledger entry names; -1: not in the ledger
	group  []int32 // upload group of the base entry
	status []uint8 // 0 valid, else 1 + index into invalidReasons
	flag   []uint8
}

func newSerialTab(fams []family, rng *rand.Rand, capHint int) *serialTab {
	t := &serialTab{fams: fams, next: make([]uint64, len(fams)), texts: map[int32]string{}, taken: map[string]bool{}}
	for i, f := range fams {
		span := f.hi - f.lo
		t.next[i] = f.lo + rng.Uint64N(span/4)
	}
	t.start = slices.Clone(t.next)
	t.fam = make([]uint8, 0, capHint)
	t.num = make([]uint64, 0, capHint)
	t.model = make([]int16, 0, capHint)
	t.group = make([]int32, 0, capHint)
	t.status = make([]uint8, 0, capHint)
	t.flag = make([]uint8, 0, capHint)
	return t
}

func (t *serialTab) len() int { return len(t.fam) }

// fresh hands out a new serial of family fam: numbers grow, mostly by one, so
// the panels of one pallet have near-consecutive serials.
func (t *serialTab) fresh(rng *rand.Rand, fam uint8, model int16, group int32) int32 {
	step := uint64(1)
	if rng.IntN(8) == 0 && t.room(fam) > 40 {
		step += rng.Uint64N(40)
	}
	t.next[fam] += step
	if t.next[fam] >= t.fams[fam].hi {
		panic(exhausted{fmt.Sprintf("gen: too many serials: the %q%d-digit serial numbers ran out", t.fams[fam].prefix, t.fams[fam].digits)})
	}
	id := int32(len(t.fam))
	t.fam = append(t.fam, fam)
	t.num = append(t.num, t.next[fam])
	t.model = append(t.model, model)
	t.group = append(t.group, group)
	t.status = append(t.status, 0)
	t.flag = append(t.flag, 0)
	return id
}

// skip leaves a gap in a family's numbers, between pallets; the gaps shrink
// as a family's numbers run low.
func (t *serialTab) skip(rng *rand.Rand, fam uint8) {
	gap := 50 + rng.Uint64N(5000)
	if room := t.room(fam); gap > room {
		gap = room
	}
	t.next[fam] += gap
}

// room is the most a family may skip at once, in proportion to the numbers it
// has left. While a tenth of its range is left (every family up to SF=10:
// those scenarios are unchanged), that is 1/65,536 of what is left: gaps of
// 50..5,050 between pallets, and one serial in eight skips up to 40. Below a
// tenth (national scale) it is 1/1,048,576 of what is left: gaps of at most
// a hundred, shrinking to none, and skips within a pallet only while that is
// over 40, so a family's last tenth still holds millions of deliveries (the
// 8-digit families about 2.5 million; TestFamiliesLastAtNationalScale).
func (t *serialTab) room(fam uint8) uint64 {
	f := &t.fams[fam]
	left := f.hi - t.next[fam]
	if left < (f.hi-f.lo)/10 {
		return left >> 20
	}
	return left >> 16
}

// appendText writes the canonical (already normalised) text of serial id.
func (t *serialTab) appendText(b []byte, id int32) []byte {
	if t.flag[id]&flagText != 0 {
		return append(b, t.texts[id]...)
	}
	f := &t.fams[t.fam[id]]
	b = append(b, f.prefix...)
	n := t.num[id]
	if f.dash {
		b = appendPadded(b, n/100, f.digits-2)
		b = append(b, '-')
		return appendPadded(b, n%100, 2)
	}
	return appendPadded(b, n, f.digits)
}

func (t *serialTab) text(id int32) string { return string(t.appendText(nil, id)) }

// add appends a serial that no ledger row holds.
func (t *serialTab) add(fam uint8, num uint64, group int32, flag uint8) int32 {
	id := int32(len(t.fam))
	t.fam = append(t.fam, fam)
	t.num = append(t.num, num)
	t.model = append(t.model, -1)
	t.group = append(t.group, group)
	t.status = append(t.status, 0)
	t.flag = append(t.flag, flag)
	return id
}

// typo adds a serial in no ledger: serial id as an installer mistyped it, one
// digit read as a letter (0 as O, 1 as I, 2 as Z, 5 as S, 8 as B) or one digit
// left out. No family has a letter or one digit fewer there, so the text is
// no other serial's. It returns -1 when every such typo is taken.
func (t *serialTab) typo(rng *rand.Rand, id int32) int32 {
	txt := t.appendText(nil, id)
	var at []int
	for i, c := range txt {
		if c >= '0' && c <= '9' {
			at = append(at, i)
		}
	}
	for range 64 {
		typo := slices.Clone(txt)
		i := at[rng.IntN(len(at))]
		if letter := "OIZ??S??B?"[typo[i]-'0']; letter != '?' && rng.IntN(2) == 0 {
			typo[i] = letter
		} else {
			typo = append(typo[:i], typo[i+1:]...)
		}
		// Neighbouring serials can give the same typo (…1223 and …1233 less a
		// digit); another claim listing it would be a duplicate no fault planted.
		if !t.taken[string(typo)] {
			t.taken[string(typo)] = true
			nt := t.add(t.fam[id], 0, t.group[id], flagText)
			t.texts[nt] = string(typo)
			return nt
		}
	}
	return -1
}

// unused adds a serial of family fam that no ledger holds nor ever will: its
// number lies more than 1,000 below every number the family hands out (a
// made-up serial), and no other made-up serial's. It returns -1 when the
// family has no such room.
func (t *serialTab) unused(rng *rand.Rand, fam uint8, group int32) int32 {
	room := t.start[fam] - t.fams[fam].lo
	if room < 10_000 {
		return -1
	}
	for range 64 {
		ns := t.add(fam, t.fams[fam].lo+rng.Uint64N(room-2_000), group, 0)
		if txt := t.text(ns); !t.taken[txt] {
			t.taken[txt] = true
			return ns
		}
		t.drop()
	}
	return -1
}

// drop removes the serial added last.
func (t *serialTab) drop() {
	n := len(t.fam) - 1
	t.fam, t.num, t.model = t.fam[:n], t.num[:n], t.model[:n]
	t.group, t.status, t.flag = t.group[:n], t.status[:n], t.flag[:n]
}

// exhausted is the panic of a serial family that ran out of numbers;
// Generate turns it into an error.
type exhausted struct{ msg string }

// group is one ledger upload: a pallet of panels or a delivery of inverters.
type group struct {
	t        ts
	supplier int8 // panels only; -1 for inverters
}

// extra is a ledger row beyond a serial's base entry: a status update, or the
// same serial registered under another brand.
type extra struct {
	serial   int32
	model    int16
	supplier int8
	t        ts
	status   uint8
	file     int8 // ledger file index
	seq      int32
	line     int32 // physical line, set by the writer
}

// claim is one claims row: an original, an amendment or a row that is rejected.
type claim struct {
	num        int32 // the number in the claim id
	installed  day
	submitted  day
	postcode   int16
	zone       int8
	kwW        int64 // rated output in W (kW × 1000, three decimals exact)
	panelCount int32
	pModel     int16
	iModel     int16
	years      int16
	stcs       int64
	installer  int32
	panels     []int32
	invs       []int32
	style      uint16
	sep        byte
	frozen     bool   // another claim copies its serials, or a reject copies its id: never amend it
	clean      *claim // the row before a fault an amendment may fix
	pseed      uint32 // drives per-serial presentation at write time
	kind       uint8  // plan kind (fault or trap) this claim was built for
	variant    uint8  // which variant of its fault or trap (for inspection only)
	reject     uint8  // rejKind for rows written to be rejected
	notes      int8   // -1 none, else index into claimNotes
	file       int16  // batch file (after batching)
	line       int32  // physical line written
}

// Presentation bits of claim.style: awkward but valid ways to write a row.
const (
	styBrandOdd uint16 = 1 << iota
	styModelOdd
	styInvOdd
	stySerialOdd
	styDMY
	styPost3
	styKWShort
	stySeriesBlank
)

// world is the whole sample world.
type world struct {
	cfg     *configs.Config
	rng     *rand.Rand
	ratings map[int]decimal
	limitW  int64

	suppliers []supplier
	auths     []auth
	modRows   []cecRow
	invRows   []cecRow

	// Names compare by key (pipeline/names under the configuration's brand
	// aliases and model suffixes), as the audit compares them: the keys of
	// each model as claims and ledgers write it (trading brand, bare model),
	// of each brand, and of each authorisation's brand as suppliers.csv
	// writes it.
	keys           *names.Keyer
	pKeys, iKeys   []productKey
	pBrand, iBrand []string
	authKey        []string

	panels, invs   *serialTab
	pGroups        []group
	iGroups        []group
	pExtras        []extra
	iExtras        []extra
	extraSeq       int32
	installers     []int32
	postcodeWeight int

	claims  []claim // originals; index = claim index
	amends  []claim // amendment rows (num names the claim amended)
	amendOf []int32 // claim index -> index into amends, or -1
	rejects []claim // rows written to be rejected

	sciWanted, sciCount int // mangled panel-ledger serials wanted and made
	lateBoundaryDone    int
	batches             []batch
}

// Date range of the sample world.
var (
	installFrom = mkDay(2024, 1, 1)
	installTo   = mkDay(2025, 10, 31)
	worldEnd    = mkDay(2025, 12, 31)
)

func newWorld(o Options) (*world, error) {
	w := &world{
		cfg:       o.Config,
		rng:       rand.New(rand.NewPCG(o.Seed, 0x5354437265636f6e)), // "STCrecon"
		ratings:   map[int]decimal{},
		suppliers: catalogueSuppliers(),
		auths:     catalogueAuths(),
		modRows:   moduleRows(),
		invRows:   inverterRows(),
	}
	for z := 1; z <= 4; z++ {
		s, ok := o.Config.STC.ZoneRatings[z]
		if !ok {
			continue
		}
		d, err := parseDecimal(s)
		if err != nil {
			return nil, fmt.Errorf("gen: zone %d rating: %w", z, err)
		}
		w.ratings[z] = d
	}
	lim, err := parseDecimal(o.Config.STC.SmallScaleLimitKW)
	if err != nil {
		return nil, fmt.Errorf("gen: small_scale_limit_kw: %w", err)
	}
	w.limitW = lim.num * 1000 / lim.scale
	for _, r := range postcodeRanges {
		w.postcodeWeight += r.weight
	}
	for i := range w.suppliers {
		w.suppliers[i].abn = w.abn()
	}
	w.keyNames()
	return w, nil
}

// productKey is a (brand, model) pair by key.
type productKey struct{ brand, model string }

// keyNames writes down the text of every CEC row and the keys of every name
// the truth compares.
func (w *world) keyNames() {
	w.keys = w.cfg.Names
	brandKey := func(s string) string { k, _ := w.keys.Brand(s); return k }
	modelKey := func(s string) string { k, _ := w.keys.Model(s); return k }
	for i := range w.modRows {
		r := &w.modRows[i]
		r.name, r.modelText = moduleText(*r)
		r.bkey, r.mkey = brandKey(r.name), modelKey(r.modelText)
	}
	for i := range w.invRows {
		r := &w.invRows[i]
		r.name, _, r.modelText = inverterText(*r)
		r.bkey, r.mkey = brandKey(r.name), modelKey(r.modelText)
	}
	for _, b := range panelBrands {
		w.pBrand = append(w.pBrand, brandKey(b.name))
	}
	for _, b := range invBrands {
		w.iBrand = append(w.iBrand, brandKey(b.name))
	}
	for _, m := range panelModels {
		w.pKeys = append(w.pKeys, productKey{w.pBrand[m.brand], modelKey(m.name)})
	}
	for _, m := range invModels {
		w.iKeys = append(w.iKeys, productKey{w.iBrand[m.brand], modelKey(m.name)})
	}
	for i, a := range w.auths {
		w.authKey = append(w.authKey, brandKey(authBrandText(i, a)))
	}
}

// abn makes a valid Australian Business Number: subtract 1 from the first
// digit, weight the digits 10,1,3,...,19; the sum divides by 89.
func (w *world) abn() string {
	weights := []int{10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	var d [11]int
	sum := 0
	for i := 2; i < 11; i++ {
		d[i] = w.rng.IntN(10)
		sum += d[i] * weights[i]
	}
	x := (89 - sum%89) % 89 // 10*(d0-1) + d1 must be x
	d[0], d[1] = x/10+1, x%10
	b := make([]byte, 11)
	for i := range d {
		b[i] = byte('0' + d[i])
	}
	return string(b)
}

func (w *world) zoneOf(pc int) int {
	var b [4]byte
	appendPadded(b[:0], uint64(pc), 4)
	z, ok := w.cfg.ZoneOf(string(b[:]))
	if !ok {
		return 0
	}
	return z
}

func (w *world) postcode() int {
	x := w.rng.IntN(w.postcodeWeight)
	for _, r := range postcodeRanges {
		if x < r.weight {
			return r.from + w.rng.IntN(r.to-r.from+1)
		}
		x -= r.weight
	}
	panic("unreachable")
}

// postcodeInZone draws postcodes until one is in zone z (and not 08xx, so it
// is written with four digits); 0 when none is found.
func (w *world) postcodeInZone(z int) int {
	for range 2000 {
		if pc := w.postcode(); pc >= 1000 && w.zoneOf(pc) == z {
			return pc
		}
	}
	return 0
}

func (w *world) between(a, b day) day { return a + day(w.rng.IntN(int(b-a)+1)) }

// businessTime is a time of day between 08:00 and 17:59 on d.
func (w *world) businessTime(d day) ts {
	return ts(int64(d)*secondsPerDay + 8*3600 + int64(w.rng.IntN(10*3600)))
}

// approved reports whether some CEC row for the product covers d: a row whose
// brand and model keys are the product's as claims write it.
func approved(rows []cecRow, p productKey, d day) bool {
	for _, r := range rows {
		if r.bkey == p.brand && r.mkey == p.model && r.w.covers(d) {
			return true
		}
	}
	return false
}

// panelApproved and invApproved: is the model approved on d.
func (w *world) panelApproved(model int, d day) bool { return approved(w.modRows, w.pKeys[model], d) }
func (w *world) invApproved(model int, d day) bool   { return approved(w.invRows, w.iKeys[model], d) }

// ratedWatts is the model's wattage if some CEC row for it (by key) gives
// one, else 0. (Rows for one product carry one wattage.)
func (w *world) ratedWatts(model int) int {
	p := w.pKeys[model]
	for _, r := range w.modRows {
		if r.bkey == p.brand && r.mkey == p.model && r.watts {
			if r.model >= 0 {
				return panelModels[r.model].watts
			}
			n, _ := strconv.Atoi(r.other[2])
			return n
		}
	}
	return 0
}

func (w *world) authorised(sup int, panel bool, brand int, d day) bool {
	if !w.suppliers[sup].listed {
		return false
	}
	var key string
	if panel {
		key = w.pBrand[brand]
	} else {
		key = w.iBrand[brand]
	}
	for i, a := range w.auths {
		if a.supplier == sup && a.panel == panel && w.authKey[i] == key && a.w.covers(d) {
			return true
		}
	}
	return false
}

// pickSupplier chooses an ordinary supplier authorised for a panel brand on d.
func (w *world) pickSupplier(brand int, d day) int8 {
	var c [16]int8
	n := 0
	for s := range w.suppliers {
		if w.suppliers[s].normal && w.authorised(s, true, brand, d) {
			c[n] = int8(s)
			n++
		}
	}
	if n == 0 {
		panic(fmt.Sprintf("gen: no supplier for %s on %s", panelBrands[brand].name, d))
	}
	return c[w.rng.IntN(n)]
}

// newPanelGroup records a panel upload. Uploads before 2024 go to the ledger
// file that has dates only, so they fall on midnight.
func (w *world) newPanelGroup(t ts, sup int8) int32 {
	if t.day().year() <= 2023 {
		t = ts(int64(t.day()) * secondsPerDay)
	}
	w.pGroups = append(w.pGroups, group{t: t, supplier: sup})
	return int32(len(w.pGroups) - 1)
}

func (w *world) newInvGroup(t ts) int32 {
	w.iGroups = append(w.iGroups, group{t: t, supplier: -1})
	return int32(len(w.iGroups) - 1)
}

// pickPanelModel chooses a model a clean claim installed on d may use.
func (w *world) pickPanelModel(d day, needRated bool) int {
	total := 0
	ok := func(i int) bool {
		m := panelModels[i]
		if m.weight == 0 || (needRated && !m.rated) {
			return false
		}
		return w.panelApproved(i, d)
	}
	for i := range panelModels {
		if ok(i) {
			total += panelModels[i].weight
		}
	}
	x := w.rng.IntN(total)
	for i := range panelModels {
		if ok(i) {
			if x < panelModels[i].weight {
				return i
			}
			x -= panelModels[i].weight
		}
	}
	panic("unreachable")
}

func modelsWith(status modelStatus) []int {
	var out []int
	for i, m := range panelModels {
		if m.status == status {
			out = append(out, i)
		}
	}
	return out
}

// systemSize chooses a panel count for a residential system.
func (w *world) panelCountFor(watts int) int {
	var targetW int
	switch x := w.rng.IntN(100); {
	case x < 30:
		targetW = 6600
	case x < 50:
		targetW = 5000 + w.rng.IntN(3000)
	case x < 65:
		targetW = 10000
	case x < 75:
		targetW = 13200
	default:
		targetW = 3000 + w.rng.IntN(12000)
	}
	n := (targetW + watts/2) / watts
	return max(6, min(n, 40))
}

// pickInverters chooses inverter model and count for a system of kwW watts.
func (w *world) pickInverters(kwW int64, panels int) (model, count int) {
	total := 0
	for _, b := range invBrands {
		total += b.weight
	}
	x := w.rng.IntN(total)
	br := 0
	for i, b := range invBrands {
		if x < b.weight {
			br = i
			break
		}
		x -= b.weight
	}
	need := kwW * 100 / 133 // panels may be up to 133 % of inverter capacity
	if kwW > 30000 {
		for i, m := range invModels {
			if m.big && m.brand == br && m.status == stUsable {
				return i, int((need + int64(m.acW) - 1) / int64(m.acW))
			}
		}
		return 14, int((need + 49999) / 50000) // Sungrow SG50CX
	}
	best, largest := -1, -1
	for i, m := range invModels {
		if m.brand != br || m.status != stUsable || m.big {
			continue
		}
		if m.micro {
			return i + w.rng.IntN(2), panels
		}
		if int64(m.acW) >= need && (best < 0 || m.acW < invModels[best].acW) {
			best = i
		}
		if largest < 0 || m.acW > invModels[largest].acW {
			largest = i
		}
	}
	if best >= 0 {
		return best, 1
	}
	return largest, int((need + int64(invModels[largest].acW) - 1) / int64(invModels[largest].acW))
}

// maxYears and allowedYears wrap the config's deeming rules.
func (w *world) maxYears(d day) int { return w.cfg.STC.MaxDeemingYears(d.year()) }

func (w *world) yearsAllowed(d day, years int) bool {
	return slices.Contains(w.cfg.STC.AllowedDeemingYears(d.year()), years)
}

// computed is the contract's STC figure for a claim row.
func (w *world) computed(c *claim) int64 {
	r, ok := w.ratings[int(c.zone)]
	if !ok {
		return 0
	}
	y := int(c.years)
	if !w.yearsAllowed(c.installed, y) {
		y = w.maxYears(c.installed)
	}
	return stcsFor(c.kwW, r, y)
}

// spec constrains how a claim is built, for the faults and traps that are
// about the system itself rather than one field.
type spec struct {
	pModel       int // -1: choose
	iModel       int // -1: choose
	instFrom     day
	instTo       day
	panels       int // 0: choose
	zone         int // 0: any
	largeW       int64
	years        int // 0: usual
	needRated    bool
	unapprovedOK bool // keep a forced panel model even where it is not approved
	late         bool // submit lateBy days after the claim window closes
	lateBy       int
	iCount       int // inverters, for a forced non-micro model
}

func defaultSpec() spec {
	return spec{pModel: -1, iModel: -1, instFrom: installFrom, instTo: installTo}
}

// build makes a clean claim row from a spec and registers its serials in
// the ledger model.
func (w *world) build(sp spec) claim {
	rng := w.rng
	var c claim
	c.notes = -1
	c.installed = w.between(sp.instFrom, sp.instTo)
	if sp.pModel >= 0 && !sp.unapprovedOK {
		// a forced model (a donor's) must be approved on the day
		for try := 0; !w.panelApproved(sp.pModel, c.installed) && try < 200; try++ {
			c.installed = w.between(sp.instFrom, sp.instTo)
		}
	}
	if sp.late {
		c.submitted = addMonths(c.installed, w.cfg.STC.ClaimWindowMonths) + day(sp.lateBy)
	} else {
		c.submitted = c.installed + day(3+rng.IntN(20)+rng.IntN(25))
		if c.submitted > worldEnd {
			c.submitted = worldEnd
		}
	}
	pc := 0
	if sp.zone != 0 {
		pc = w.postcodeInZone(sp.zone)
	}
	if pc == 0 {
		pc = w.postcode()
	}
	c.postcode, c.zone = int16(pc), int8(w.zoneOf(pc))
	pm := sp.pModel
	if pm < 0 {
		pm = w.pickPanelModel(c.installed, sp.needRated)
	}
	c.pModel = int16(pm)
	watts := panelModels[pm].watts
	n := sp.panels
	if n == 0 {
		if sp.largeW > 0 {
			n = int((sp.largeW + int64(watts) - 1) / int64(watts))
		} else {
			n = w.panelCountFor(watts)
		}
	}
	c.panelCount = int32(n)
	c.kwW = int64(n) * int64(watts)
	im, ni := sp.iModel, 1
	if im < 0 {
		im, ni = w.pickInverters(c.kwW, n)
	} else if invModels[im].micro {
		ni = n
	} else if sp.iCount > 0 {
		ni = sp.iCount
	}
	c.iModel = int16(im)
	c.years = int16(w.maxYears(c.installed)) // usually the longest period
	switch y := rng.IntN(100); {
	case sp.years != 0:
		c.years = int16(sp.years)
	case y < 3:
		c.years = 5
	case y < 4:
		c.years = 1
	}
	if !w.yearsAllowed(c.installed, int(c.years)) {
		c.years = int16(w.maxYears(c.installed)) // a config without that choice
	}
	c.stcs = w.computed(&c)
	c.installer = w.installers[rng.IntN(len(w.installers))]

	// The pallet: uploaded by an authorised supplier weeks or months earlier.
	br := panelModels[pm].brand
	up := c.installed - day(14+rng.IntN(290))
	g := w.newPanelGroup(w.businessTime(up), w.pickSupplier(br, up))
	fam := panelBrands[br].fam
	w.panels.skip(rng, fam)
	c.panels = make([]int32, n)
	for i := range c.panels {
		c.panels[i] = w.panels.fresh(rng, fam, int16(pm), g)
	}
	ib := invModels[im].brand
	ig := w.newInvGroup(w.businessTime(c.installed - day(7+rng.IntN(200))))
	ifam := invBrands[ib].fam
	w.invs.skip(rng, ifam)
	c.invs = make([]int32, ni)
	for i := range c.invs {
		c.invs[i] = w.invs.fresh(rng, ifam, int16(im), ig)
	}
	c.style, c.sep = w.presentation(pc)
	c.pseed = rng.Uint32()
	if rng.IntN(40) == 0 {
		c.notes = int8(rng.IntN(len(claimNotes)))
	}
	return c
}

// presentation chooses the awkward-but-valid ways a claim row is written.
func (w *world) presentation(pc int) (uint16, byte) {
	rng := w.rng
	var s uint16
	if rng.IntN(50) == 0 {
		s |= styBrandOdd
	}
	if rng.IntN(100) == 0 {
		s |= styModelOdd
	}
	if rng.IntN(100) == 0 {
		s |= styInvOdd
	}
	if rng.IntN(50) == 0 {
		s |= stySerialOdd
	}
	if rng.IntN(50) == 0 {
		s |= styDMY
	}
	if pc >= 800 && pc <= 899 && rng.IntN(2) == 0 {
		s |= styPost3
	}
	if rng.IntN(3) == 0 {
		s |= styKWShort
	}
	if rng.IntN(10) == 0 {
		s |= stySeriesBlank
	}
	sep := byte(';')
	switch x := rng.IntN(100); {
	case x < 3:
		sep = ','
	case x < 5:
		sep = '|'
	case x < 7:
		sep = '\n'
	case x < 10:
		sep = ' ' // "; " : a semicolon and a space
	}
	return s, sep
}

// stock registers unclaimed panels: pallets in the ledger that no claim names.
func (w *world) stock(ctx context.Context, n int) error {
	usable := []int{}
	for i, m := range panelModels {
		if m.weight > 0 {
			usable = append(usable, i)
		}
	}
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		pm := usable[w.rng.IntN(len(usable))]
		br := panelModels[pm].brand
		up := w.between(mkDay(2023, 1, 2), mkDay(2025, 12, 19))
		g := w.newPanelGroup(w.businessTime(up), w.pickSupplier(br, up))
		size := min(n, 20+w.rng.IntN(380))
		fam := panelBrands[br].fam
		w.panels.skip(w.rng, fam)
		for range size {
			s := w.panels.fresh(w.rng, fam, int16(pm), g)
			if w.rng.IntN(300) == 0 {
				w.panels.status[s] = uint8(1 + w.rng.IntN(len(invalidReasons)))
			}
		}
		n -= size
	}
	return nil
}

// invStock registers unclaimed inverters.
func (w *world) invStock(n int) {
	for n > 0 {
		var im int
		for {
			im = w.rng.IntN(len(invModels))
			if invModels[im].status == stUsable {
				break
			}
		}
		g := w.newInvGroup(w.businessTime(w.between(mkDay(2023, 1, 2), mkDay(2025, 12, 19))))
		size := min(n, 5+w.rng.IntN(60))
		fam := invBrands[invModels[im].brand].fam
		w.invs.skip(w.rng, fam)
		for range size {
			w.invs.fresh(w.rng, fam, int16(im), g)
		}
		n -= size
	}
}

// claimID writes the id of claim number num.
func appendClaimID(b []byte, num int32) []byte {
	b = append(b, "PVD"...)
	return appendPadded(b, uint64(num), 7)
}

func claimID(num int32) string { return string(appendClaimID(nil, num)) }
