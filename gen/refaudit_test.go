package gen

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"stcrecon/configs"
)

// A reference audit for the tests: it reads the generated files the way the
// data contract says a reader must (headers by normalised name and alias,
// either date form, BOM, CRLF, quoted line breaks, XLSX date cells) and runs
// the checks of contract §3 on what loads. It shares nothing with the
// generator's model, so agreement with expected_findings.csv and
// expected_rejects.csv shows the files say what the truth files claim.

type refCol struct {
	name     string
	aliases  []string
	required bool
	date     bool
}

var refColumns = map[string][]refCol{
	"panel_ledger": {
		{"supplier_name", []string{"supplier"}, true, false},
		{"licensee", []string{"licensee_certificate_holder", "brand"}, true, false},
		{"model_number", []string{"model"}, true, false},
		{"serial_number", []string{"serial"}, true, false},
		{"uploaded_at", []string{"upload_date"}, false, true},
		{"status", nil, false, false},
		{"reason", []string{"invalid_reason"}, false, false},
	},
	"inverter_ledger": {
		{"manufacturer", []string{"brand"}, true, false},
		{"model_number", []string{"model"}, true, false},
		{"series", nil, false, false},
		{"serial_number", []string{"serial"}, true, false},
		{"status", nil, false, false},
		{"reason", nil, false, false},
		{"uploaded_at", []string{"upload_date"}, false, true},
	},
	"cec_modules": {
		{"licensee", []string{"licensee_certificate_holder", "brand"}, true, false},
		{"model_number", []string{"model"}, true, false},
		{"rated_power_w", []string{"power_w", "pmax_w"}, false, false},
		{"approved_on", []string{"approval_date", "cec_approved_date"}, true, true},
		{"expires_on", []string{"expiry_date", "certificate_expiry_date"}, true, true},
	},
	"cec_inverters": {
		{"manufacturer", nil, true, false},
		{"series", nil, false, false},
		{"model_number", []string{"model"}, true, false},
		{"ac_power_kw", nil, false, false},
		{"approved_on", []string{"approval_date"}, true, true},
		{"expires_on", []string{"expiry_date"}, true, true},
	},
	"suppliers": {
		{"supplier_name", nil, true, false},
		{"abn", nil, false, false},
		{"product", nil, true, false},
		{"brand", []string{"licensee", "manufacturer"}, true, false},
		{"authorised_from", nil, true, true},
		{"authorised_to", nil, false, true},
	},
	"claims": {
		{"claim_id", nil, true, false},
		{"submitted_on", nil, true, true},
		{"installed_on", []string{"installation_date"}, true, true},
		{"postcode", nil, true, false},
		{"rated_output_kw", nil, true, false},
		{"panel_count", []string{"number_of_panels"}, true, false},
		{"panel_brand", []string{"panel_licensee"}, true, false},
		{"panel_model", nil, true, false},
		{"inverter_manufacturer", nil, true, false},
		{"inverter_series", nil, false, false},
		{"inverter_model", nil, true, false},
		{"deeming_years", []string{"deeming_period"}, true, false},
		{"stcs_claimed", nil, true, false},
		{"installer_id", nil, false, false},
		{"panel_serials", nil, true, false},
		{"inverter_serials", nil, true, false},
	},
}

var refKinds = []string{"panel_ledger", "inverter_ledger", "cec_modules", "cec_inverters", "suppliers", "claims"}

func refKindOf(name string) string {
	for _, k := range refKinds {
		if strings.HasPrefix(name, k) {
			return k
		}
	}
	return ""
}

var nonAlnumRE = regexp.MustCompile(`[^a-z0-9]+`)

func normHeader(h string) string {
	return strings.Trim(nonAlnumRE.ReplaceAllString(strings.ToLower(h), "_"), "_")
}

type refTable struct {
	file   string
	kind   string
	header []string
	pos    map[string]int // contract column -> cell index
	rows   []refRow
}

type refRow struct {
	line  int
	cells []string
}

// resolve maps a header onto the kind's columns; an error names a missing
// required column or a column named twice.
func resolve(kind string, header []string) (map[string]int, error) {
	byName := map[string]string{}
	for _, c := range refColumns[kind] {
		byName[c.name] = c.name
		for _, a := range c.aliases {
			byName[a] = c.name
		}
	}
	pos := map[string]int{}
	for i, h := range header {
		n, ok := byName[normHeader(h)]
		if !ok {
			continue
		}
		if _, dup := pos[n]; dup {
			return nil, fmt.Errorf("column %q named twice", n)
		}
		pos[n] = i
	}
	for _, c := range refColumns[kind] {
		if _, ok := pos[c.name]; c.required && !ok {
			return nil, fmt.Errorf("missing required column %s", c.name)
		}
	}
	return pos, nil
}

func readTable(path string) (*refTable, error) {
	name := filepath.Base(path)
	t := &refTable{file: name, kind: refKindOf(name)}
	if strings.HasSuffix(name, ".xlsx") {
		f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		t.header = rows[0]
		if t.pos, err = resolve(t.kind, t.header); err != nil {
			return nil, err
		}
		dateCol := map[int]bool{}
		for _, c := range refColumns[t.kind] {
			if p, ok := t.pos[c.name]; ok && c.date {
				dateCol[p] = true
			}
		}
		for i, r := range rows[1:] {
			cells := make([]string, len(t.header))
			copy(cells, r)
			for p := range cells {
				if dateCol[p] && regexp.MustCompile(`^[0-9]+$`).MatchString(cells[p]) {
					f, _ := strconv.ParseFloat(cells[p], 64)
					tm, err := excelize.ExcelDateToTime(f, false)
					if err != nil {
						return nil, err
					}
					cells[p] = tm.Format("2006-01-02")
				}
			}
			t.rows = append(t.rows, refRow{line: i + 2, cells: cells})
		}
		return t, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	r := csv.NewReader(bytes.NewReader(b))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if t.header == nil {
			t.header = rec
			if t.pos, err = resolve(t.kind, rec); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			continue
		}
		t.rows = append(t.rows, refRow{line: line, cells: rec})
	}
	return t, nil
}

func (t *refTable) get(r refRow, col string) string {
	p, ok := t.pos[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.cells[p])
}

func (t *refTable) head(col string) string { return t.header[t.pos[col]] }

var (
	isoDateRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	dmyDateRE = regexp.MustCompile(`^(\d{2})/(\d{2})/(\d{4})$`)
	isoTSRE   = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})$`)
	sciRE     = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$`)
	kwRE      = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,3})?$`)
	splitRE   = regexp.MustCompile(`[;,|\r\n]`)
	spaceRE   = regexp.MustCompile(`\s`)
)

func refDate(s string) (time.Time, bool) {
	var y, m, d int
	if g := isoDateRE.FindStringSubmatch(s); g != nil {
		y, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		d, _ = strconv.Atoi(g[3])
	} else if g := dmyDateRE.FindStringSubmatch(s); g != nil {
		d, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		y, _ = strconv.Atoi(g[3])
	} else {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

func refTimestamp(s string) (time.Time, bool) {
	if g := isoTSRE.FindStringSubmatch(s); g != nil {
		d, ok := refDate(g[1])
		h, _ := strconv.Atoi(g[2])
		mi, _ := strconv.Atoi(g[3])
		se, _ := strconv.Atoi(g[4])
		return d.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(se)*time.Second), ok
	}
	return refDate(s)
}

func refSerial(s string) string { return strings.ToUpper(spaceRE.ReplaceAllString(s, "")) }

func refName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func refList(s string) []string {
	var out []string
	for _, p := range splitRE.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type refEntry struct {
	brand, model, supplier string
	t                      time.Time
	file, line             int
	invalid                bool
	reason                 string
}

func (e refEntry) after(o refEntry) bool {
	if !e.t.Equal(o.t) {
		return e.t.After(o.t)
	}
	if e.file != o.file {
		return e.file > o.file
	}
	return e.line > o.line
}

type refClaim struct {
	id                             string
	file, line                     int
	submitted, installed           time.Time
	postcode                       string
	kw                             *big.Rat
	panelCount, years              int
	stcs                           int64
	brand, model, invMfr, invModel string
	panels, invs                   []string
}

type refWindow struct{ from, to time.Time }

type refSupplier struct {
	name, product, brand string
	from, to             time.Time
	open                 bool
}

// refAudit returns the findings ("claim|component|serial|rule|severity") and
// rejects ("file|line|column") of the folder.
func refAudit(dir string, cfg *configs.Config) (findings, rejects []string, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, e := range ents {
		if refKindOf(e.Name()) != "" {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	never := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	panelLedger := map[string][]refEntry{} // by normalised serial
	invLedger := map[string][]refEntry{}
	modWin := map[string][]refWindow{}
	modWatts := map[string]int{}
	invWin := map[string][]refWindow{}
	var sups []refSupplier
	claims := map[string]*refClaim{}
	reject := func(t *refTable, r refRow, col string) {
		rejects = append(rejects, fmt.Sprintf("%s|%d|%s", t.file, r.line, t.head(col)))
	}
	for fi, name := range names {
		t, err := readTable(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		firstLine := map[string]int{}
		for _, r := range t.rows {
			g := func(c string) string { return t.get(r, c) }
			switch t.kind {
			case "panel_ledger", "inverter_ledger":
				serial := g("serial_number")
				if sciRE.MatchString(serial) {
					reject(t, r, "serial_number")
					continue
				}
				e := refEntry{model: refName(g("model_number")), t: never, file: fi, line: r.line}
				if t.kind == "panel_ledger" {
					e.brand, e.supplier = refName(g("licensee")), refName(g("supplier_name"))
				} else {
					e.brand = refName(g("manufacturer"))
				}
				if s := g("uploaded_at"); s != "" {
					tm, ok := refTimestamp(s)
					if !ok {
						reject(t, r, "uploaded_at")
						continue
					}
					e.t = tm
				}
				switch strings.ToLower(g("status")) {
				case "", "valid":
				case "invalid":
					e.invalid, e.reason = true, g("reason")
				default:
					reject(t, r, "status")
					continue
				}
				if t.kind == "panel_ledger" {
					panelLedger[refSerial(serial)] = append(panelLedger[refSerial(serial)], e)
				} else {
					invLedger[refSerial(serial)] = append(invLedger[refSerial(serial)], e)
				}
			case "cec_modules", "cec_inverters":
				from, ok1 := refDate(g("approved_on"))
				to, ok2 := refDate(g("expires_on"))
				if !ok1 || !ok2 {
					return nil, nil, fmt.Errorf("%s:%d: bad CEC dates", name, r.line)
				}
				if t.kind == "cec_modules" {
					key := refName(g("licensee")) + "|" + refName(g("model_number"))
					modWin[key] = append(modWin[key], refWindow{from, to})
					if w := g("rated_power_w"); w != "" {
						n, err := strconv.Atoi(w)
						if err != nil {
							return nil, nil, fmt.Errorf("%s:%d: wattage %q", name, r.line, w)
						}
						modWatts[key] = n
					}
				} else {
					key := refName(g("manufacturer")) + "|" + refName(g("model_number"))
					invWin[key] = append(invWin[key], refWindow{from, to})
				}
			case "suppliers":
				from, ok := refDate(g("authorised_from"))
				if !ok {
					return nil, nil, fmt.Errorf("%s:%d: bad date", name, r.line)
				}
				s := refSupplier{name: refName(g("supplier_name")), product: strings.ToLower(g("product")), brand: refName(g("brand")), from: from, open: true}
				if x := g("authorised_to"); x != "" {
					s.to, ok = refDate(x)
					s.open = false
					if !ok {
						return nil, nil, fmt.Errorf("%s:%d: bad date", name, r.line)
					}
				}
				sups = append(sups, s)
			case "claims":
				c := &refClaim{id: g("claim_id"), file: fi, line: r.line}
				if l, seen := firstLine[c.id]; seen && l < r.line {
					reject(t, r, "claim_id")
					continue
				}
				firstLine[c.id] = r.line
				var ok bool
				if c.submitted, ok = refDate(g("submitted_on")); !ok {
					reject(t, r, "submitted_on")
					continue
				}
				if c.installed, ok = refDate(g("installed_on")); !ok {
					reject(t, r, "installed_on")
					continue
				}
				if !kwRE.MatchString(g("rated_output_kw")) {
					reject(t, r, "rated_output_kw")
					continue
				}
				c.kw, _ = new(big.Rat).SetString(g("rated_output_kw"))
				pc := g("postcode")
				if len(pc) == 3 {
					pc = "0" + pc
				}
				c.postcode = pc
				var e1, e2, e3 error
				c.panelCount, e1 = strconv.Atoi(g("panel_count"))
				c.years, e2 = strconv.Atoi(g("deeming_years"))
				c.stcs, e3 = strconv.ParseInt(g("stcs_claimed"), 10, 64)
				if e1 != nil || e2 != nil || e3 != nil {
					return nil, nil, fmt.Errorf("%s:%d: bad number", name, r.line)
				}
				c.brand, c.model = refName(g("panel_brand")), refName(g("panel_model"))
				c.invMfr, c.invModel = refName(g("inverter_manufacturer")), refName(g("inverter_model"))
				for _, s := range refList(g("panel_serials")) {
					c.panels = append(c.panels, refSerial(s))
				}
				for _, s := range refList(g("inverter_serials")) {
					c.invs = append(c.invs, refSerial(s))
				}
				if old, ok := claims[c.id]; !ok || old.file < c.file {
					claims[c.id] = c
				}
			}
		}
	}

	// Duplicates over the latest versions.
	pHold, iHold := map[string]int{}, map[string]int{}
	for _, c := range claims {
		for _, s := range uniqStr(c.panels) {
			pHold[s]++
		}
		for _, s := range uniqStr(c.invs) {
			iHold[s]++
		}
	}
	authorised := func(sup, brand string, d time.Time) bool {
		for _, s := range sups {
			if s.name == sup && s.product == "panel" && s.brand == brand && !d.Before(s.from) && (s.open || !d.After(s.to)) {
				return true
			}
		}
		return false
	}
	approvedOn := func(wins []refWindow, d time.Time) bool {
		for _, w := range wins {
			if !d.Before(w.from) && !d.After(w.to) {
				return true
			}
		}
		return false
	}
	match := func(es []refEntry, brand string) (refEntry, bool) {
		var best refEntry
		found := false
		for _, e := range es {
			if e.brand == brand && (!found || e.after(best)) {
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
	ratings := map[int]*big.Rat{}
	for z, s := range cfg.STC.ZoneRatings {
		ratings[z], _ = new(big.Rat).SetString(s)
	}
	limit, _ := new(big.Rat).SetString(cfg.STC.SmallScaleLimitKW)
	set := map[string]bool{}
	add := func(c *refClaim, comp, serial, rule string) {
		sev := "error"
		if rule == rCapacity {
			sev = "warning"
		}
		set[strings.Join([]string{c.id, comp, serial, rule, sev}, "|")] = true
	}
	for _, c := range claims {
		for comp, list := range map[string][]string{"panel": c.panels, "inverter": c.invs} {
			hold, ledger, brand, model := pHold, panelLedger, c.brand, c.model
			if comp == "inverter" {
				hold, ledger, brand, model = iHold, invLedger, c.invMfr, c.invModel
			}
			seen := map[string]bool{}
			for _, s := range list {
				if seen[s] || hold[s] >= 2 {
					add(c, comp, s, comp+".duplicate")
				}
				seen[s] = true
				e, ok := match(ledger[s], brand)
				if !ok {
					add(c, comp, s, comp+".not_in_ledger")
					continue
				}
				if e.invalid {
					add(c, comp, s, comp+".invalid")
				}
				if e.brand != brand || e.model != model {
					add(c, comp, s, comp+".model_mismatch")
				}
				if comp == "panel" && !authorised(e.supplier, e.brand, time.Date(e.t.Year(), e.t.Month(), e.t.Day(), 0, 0, 0, 0, time.UTC)) {
					add(c, comp, s, rPanelUnauth)
				}
			}
			if comp == "panel" && len(seen) != c.panelCount {
				add(c, "panel", "", rPanelCount)
			}
		}
		if !approvedOn(modWin[c.brand+"|"+c.model], c.installed) {
			add(c, "panel", "", rPanelNotApproved)
		}
		if !approvedOn(invWin[c.invMfr+"|"+c.invModel], c.installed) {
			add(c, "inverter", "", rInvNotApproved)
		}
		if w, ok := modWatts[c.brand+"|"+c.model]; ok {
			want := new(big.Rat).SetFrac64(int64(c.panelCount)*int64(w), 1000)
			diff := new(big.Rat).Sub(c.kw, want)
			diff.Abs(diff)
			if diff.Cmp(new(big.Rat).Mul(want, big.NewRat(1, 100))) > 0 {
				add(c, "claim", "", rCapacity)
			}
		}
		year := c.installed.Year()
		allowed := slices.Contains(cfg.STC.AllowedDeemingYears(year), c.years)
		if !allowed {
			add(c, "claim", "", rDeeming)
		}
		if z, ok := cfg.ZoneOf(c.postcode); !ok {
			add(c, "claim", "", rUnknownPostcode)
		} else {
			years := c.years
			if !allowed {
				years = cfg.STC.MaxDeemingYears(year)
			}
			x := new(big.Rat).Mul(c.kw, ratings[z])
			x.Mul(x, big.NewRat(int64(years), 1))
			computed := new(big.Int).Quo(x.Num(), x.Denom())
			if big.NewInt(c.stcs).Cmp(computed) > 0 {
				add(c, "claim", "", rOverclaim)
			}
		}
		if c.kw.Cmp(limit) > 0 {
			add(c, "claim", "", rTooLarge)
		}
		first := time.Date(c.installed.Year(), c.installed.Month()+time.Month(cfg.STC.ClaimWindowMonths), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1).Day()
		end := first.AddDate(0, 0, int(math.Min(float64(c.installed.Day()), float64(last)))-1)
		if c.submitted.After(end) {
			add(c, "claim", "", rLate)
		}
	}
	for k := range set {
		findings = append(findings, k)
	}
	slices.Sort(findings)
	slices.Sort(rejects)
	return findings, rejects, nil
}

func uniqStr(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}
