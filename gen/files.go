package gen

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The writers: one function per input kind. Each records the rows it wrote
// and, for rows written to be rejected, where they are.

type rejectRec struct {
	file   string
	line   int
	column string
	reason string
}

type output struct {
	dir     string
	files   []string
	rows    map[string]int
	rejects []rejectRec
}

func (o *output) done(c *csvw) error {
	o.files = append(o.files, c.name)
	o.rows[c.name] = c.rows
	return c.close()
}

// cheap deterministic choices per item, without a generator per item.
func mix(a, b uint64) uint64 {
	z := a*0x9E3779B97F4A7C15 + b + 0x632BE59BD9B4E019
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// ---- CEC lists ----

func (w *world) writeCEC(out *output) error {
	// Modules: 2024 in the CEC's column names with Pmax, 2025 in ours, and
	// the CEC's own export (no wattage, dd/mm/yyyy, BOM, CRLF).
	for fi, name := range cecModuleFiles {
		c, err := createCSV(out.dir, name, fi == cmExport, fi == cmExport)
		if err != nil {
			return err
		}
		switch fi {
		case cm2024:
			c.header("Licensee", "Model Number", "Pmax (W)", "Approval Date", "Expiry Date")
		case cm2025:
			c.header("licensee", "model_number", "rated_power_w", "approved_on", "expires_on")
		case cmExport:
			c.header("Licensee/Certificate Holder", "Model Number", "CEC Approved Date", "Expiry Date", "Fire Tested")
		}
		var b []byte
		for _, r := range w.modRows {
			if r.file != fi {
				continue
			}
			watts := r.other[2]
			if r.model >= 0 {
				watts = strconv.Itoa(panelModels[r.model].watts)
			}
			c.str(r.name)
			c.str(r.modelText)
			if fi != cmExport {
				c.str(watts)
			}
			if fi == cmExport {
				c.plain(r.w.from.appendDMYShort(b[:0]))
				c.plain(r.w.to.appendDMYShort(b[:0]))
				if r.model%3 == 0 {
					c.str("Yes")
				} else {
					c.str("No")
				}
			} else {
				c.plain(r.w.from.appendISO(b[:0]))
				c.plain(r.w.to.appendISO(b[:0]))
			}
			c.end()
		}
		if err := out.done(c); err != nil {
			return err
		}
	}
	for fi, name := range cecInverterFiles {
		c, err := createCSV(out.dir, name, false, fi == 1)
		if err != nil {
			return err
		}
		c.header("Manufacturer", "Series", "Model Number", "AC Power (kW)", "Approval Date", "Expiry Date")
		var b []byte
		for _, r := range w.invRows {
			if r.file != fi {
				continue
			}
			_, series, _ := inverterText(r)
			c.str(r.name)
			c.str(series)
			c.str(r.modelText)
			if r.model >= 0 {
				c.plain(appendKW(b[:0], int64(invModels[r.model].acW), true))
			} else {
				c.empty()
			}
			if fi == 0 {
				c.plain(r.w.from.appendDMYShort(b[:0]))
				c.plain(r.w.to.appendDMYShort(b[:0]))
			} else {
				c.plain(r.w.from.appendISO(b[:0]))
				c.plain(r.w.to.appendISO(b[:0]))
			}
			c.end()
		}
		if err := out.done(c); err != nil {
			return err
		}
	}
	return nil
}

// ---- suppliers ----

func (w *world) writeSuppliers(out *output) error {
	c, err := createCSV(out.dir, "suppliers.csv", false, true)
	if err != nil {
		return err
	}
	c.header("supplier_name", "abn", "product", "brand", "authorised_from", "authorised_to")
	var b []byte
	for i, a := range w.auths {
		s := w.suppliers[a.supplier]
		name := s.name
		if i == 2 {
			// odd case and spaces (on a panel authorisation the checks use):
			// still the same supplier
			name = "  " + strings.ReplaceAll(normName(s.name), " ", "  ") + " "
		}
		c.str(name)
		switch {
		case a.supplier == 4:
			c.empty() // ABN is optional
		case a.supplier == 2:
			c.str(s.abn[:2] + " " + s.abn[2:5] + " " + s.abn[5:8] + " " + s.abn[8:])
		default:
			c.str(s.abn)
		}
		if a.panel {
			c.str("panel")
		} else if i%5 == 0 {
			c.str("Inverter")
		} else {
			c.str("inverter")
		}
		c.str(authBrandText(i, a))
		if a.supplier == 3 {
			c.plain(a.w.from.appendDMY(b[:0]))
		} else {
			c.plain(a.w.from.appendISO(b[:0]))
		}
		if a.w.to != 0 {
			c.plain(a.w.to.appendISO(b[:0]))
		} else {
			c.empty()
		}
		c.end()
	}
	return out.done(c)
}

// ---- panel ledger ----

// groupSerials lists, per upload group, the serials whose base entry it
// holds, in serial order.
func groupSerials(t *serialTab, groups int) (start []int32, list []int32) {
	start = make([]int32, groups+1)
	for s, g := range t.group {
		if t.model[s] >= 0 {
			start[g+1]++
		}
	}
	for g := range groups {
		start[g+1] += start[g]
	}
	list = make([]int32, start[groups])
	fill := slices.Clone(start[:groups])
	for s, g := range t.group {
		if t.model[s] >= 0 {
			list[fill[g]] = int32(s)
			fill[g]++
		}
	}
	return start, list
}

// sortedGroups orders the groups of one file by upload time.
func sortedGroups(groups []group, in func(int) bool) []int32 {
	var idx []int32
	for g := range groups {
		if in(g) {
			idx = append(idx, int32(g))
		}
	}
	slices.SortFunc(idx, func(a, b int32) int {
		return cmp.Or(cmp.Compare(groups[a].t, groups[b].t), cmp.Compare(a, b))
	})
	return idx
}

type ledgerCols struct {
	header    []string
	serialCol string
	status    bool
	dmy       bool // upload date as DD/MM/YYYY
	tsep      byte // timestamp separator; 0: date only
	bom       bool
}

var panelLedgerCols = []ledgerCols{
	pl2023:   {[]string{"Supplier Name", "Licensee/Certificate Holder", "Model Number", "Serial Number", "Upload Date"}, "Serial Number", false, true, 0, false},
	pl2024:   {[]string{"supplier name", "licensee/certificate holder", "model number", "serial number", "upload_date", "status", "reason"}, "serial number", true, false, 'T', false},
	pl2025:   {[]string{"supplier_name", "licensee", "model_number", "serial_number", "uploaded_at", "status", "reason"}, "serial_number", true, false, ' ', false},
	plStatus: {[]string{"supplier name", "licensee/certificate holder", "model number", "serial number", "upload_date", "status", "reason"}, "serial number", true, false, 'T', true},
}

func appendUpload(b []byte, t ts, lc ledgerCols) []byte {
	switch {
	case lc.dmy:
		return t.day().appendDMY(b)
	case lc.tsep == 0:
		return t.day().appendISO(b)
	}
	return t.appendISO(b, lc.tsep)
}

func (c *csvw) status(st uint8, style uint64) {
	if st == 0 {
		switch style % 20 {
		case 0:
			c.empty() // blank: valid by default
		case 1:
			c.str("Valid")
		default:
			c.str("valid")
		}
		c.empty()
		return
	}
	if style%7 == 0 {
		c.str("INVALID")
	} else {
		c.str("invalid")
	}
	c.str(invalidReasons[st-1])
}

func (w *world) writePanelLedger(ctx context.Context, out *output) error {
	P := w.panels
	start, list := groupSerials(P, len(w.pGroups))
	prng := rand.New(rand.NewPCG(uint64(len(list)), 0x6c6564676572))
	var cell, b []byte
	for fi := pl2023; fi <= plStatus; fi++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		lc := panelLedgerCols[fi]
		c, err := createCSV(out.dir, panelLedgerFiles[fi], lc.bom, lc.bom)
		if err != nil {
			return err
		}
		c.header(lc.header...)
		writeRow := func(sup int8, model int16, s int32, t ts, st uint8, odd uint64) {
			sname := w.suppliers[sup].name
			if odd%97 == 0 {
				sname = oddName(prng, sname)
			}
			c.str(sname)
			lic := panelBrands[panelModels[model].brand].name
			if odd%89 == 1 {
				lic = oddName(prng, lic)
			}
			c.str(lic)
			c.str(panelModels[model].name)
			cell = P.appendText(cell[:0], s)
			switch {
			case P.flag[s]&flagMangled != 0:
				sci := strconv.FormatFloat(float64(P.num[s]), 'E', 5, 64)
				out.rejects = append(out.rejects, rejectRec{c.name, c.line, lc.serialCol,
					"serial in scientific notation (" + sci + "): a spreadsheet turned it into a number and its digits are lost"})
				c.str(sci)
			case mix(uint64(s), 7)%400 == 0:
				b = oddSerial(b[:0], cell)
				c.bytes(b)
			default:
				c.plain(cell)
			}
			c.plain(appendUpload(b[:0], t, lc))
			if lc.status {
				c.status(st, odd>>8)
			}
			c.end()
		}
		if fi == plStatus {
			ex := slices.Clone(w.pExtras)
			slices.SortFunc(ex, func(a, b extra) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.seq, b.seq)) })
			for _, e := range ex {
				writeRow(e.supplier, e.model, e.serial, e.t, e.status, mix(uint64(e.seq), 3))
				w.setExtraLine(w.pExtras, e.seq, c.line-1)
			}
		} else {
			for _, g := range sortedGroups(w.pGroups, func(g int) bool { return panelFile(w.pGroups[g].t) == int8(fi) }) {
				gr := w.pGroups[g]
				odd := mix(uint64(g), 11)
				for _, s := range list[start[g]:start[g+1]] {
					writeRow(gr.supplier, P.model[s], s, gr.t, P.status[s], odd)
				}
			}
		}
		if err := out.done(c); err != nil {
			return err
		}
	}
	return nil
}

// setExtraLine records the line an extra row was written on (for ordering ties).
func (w *world) setExtraLine(ex []extra, seq int32, line int) {
	i, ok := slices.BinarySearchFunc(ex, seq, func(e extra, s int32) int { return cmp.Compare(e.seq, s) })
	if ok {
		ex[i].line = int32(line)
	}
}

// ---- inverter ledger ----

func (w *world) writeInvLedger(ctx context.Context, out *output) error {
	I := w.invs
	start, list := groupSerials(I, len(w.iGroups))
	var cell, b []byte
	for fi := il00; fi <= il03; fi++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := createCSV(out.dir, invLedgerFiles[fi], fi == il00, fi == il00)
		if err != nil {
			return err
		}
		switch fi {
		case il00:
			c.header("Brand", "Model", "Series", "Serial Number")
		case il01:
			c.header("manufacturer", "model", "series", "serial number", "upload_date")
		default:
			c.header("manufacturer", "model", "series", "serial number", "status", "reason", "uploaded_at")
		}
		row := func(s int32, model int16, t ts, st uint8) {
			m := invModels[model]
			c.str(invBrands[m.brand].name)
			c.str(m.name)
			c.str(m.series)
			cell = I.appendText(cell[:0], s)
			if mix(uint64(s), 5)%500 == 0 {
				c.bytes(oddSerial(b[:0], cell))
			} else {
				c.plain(cell)
			}
			switch fi {
			case il01:
				c.plain(t.appendISO(b[:0], 'T'))
			case il02, il03:
				c.status(st, mix(uint64(s), 9))
				c.plain(t.appendISO(b[:0], 'T'))
			}
			c.end()
		}
		if fi >= il02 {
			ex := slices.Clone(w.iExtras)
			slices.SortFunc(ex, func(a, b extra) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.seq, b.seq)) })
			for _, e := range ex {
				if int(e.file) == fi {
					row(e.serial, e.model, e.t, e.status)
					w.setExtraLine(w.iExtras, e.seq, c.line-1)
				}
			}
		} else {
			for _, g := range sortedGroups(w.iGroups, func(int) bool { return true }) {
				for _, s := range list[start[g]:start[g+1]] {
					if int(w.invFile(s)) == fi {
						row(s, I.model[s], w.iGroups[g].t, I.status[s])
					}
				}
			}
		}
		if err := out.done(c); err != nil {
			return err
		}
	}
	return nil
}

// ---- claims ----

type col uint8

const (
	cID col = iota
	cSubmitted
	cInstalled
	cPostcode
	cKW
	cCount
	cBrand
	cModel
	cInvMfr
	cInvSeries
	cInvModel
	cYears
	cSTCs
	cInstaller
	cPanels
	cInvs
	cNotes
)

var standardCols = []col{cID, cSubmitted, cInstalled, cPostcode, cKW, cCount, cBrand, cModel, cInvMfr, cInvSeries, cInvModel, cYears, cSTCs, cInstaller, cPanels, cInvs}

var standardHeader = map[col]string{
	cID: "claim_id", cSubmitted: "submitted_on", cInstalled: "installed_on", cPostcode: "postcode",
	cKW: "rated_output_kw", cCount: "panel_count", cBrand: "panel_brand", cModel: "panel_model",
	cInvMfr: "inverter_manufacturer", cInvSeries: "inverter_series", cInvModel: "inverter_model",
	cYears: "deeming_years", cSTCs: "stcs_claimed", cInstaller: "installer_id",
	cPanels: "panel_serials", cInvs: "inverter_serials",
}

var aliasCols = []col{cID, cInstalled, cSubmitted, cPostcode, cBrand, cModel, cCount, cKW, cInvMfr, cInvSeries, cInvModel, cYears, cSTCs, cInstaller, cNotes, cPanels, cInvs}

var aliasHeader = map[col]string{
	cID: "Claim ID", cSubmitted: "Submitted On", cInstalled: "Installation Date", cPostcode: "Postcode",
	cKW: "Rated Output (kW)", cCount: "Number of Panels", cBrand: "Panel Licensee", cModel: "Panel Model",
	cInvMfr: "Inverter Manufacturer", cInvSeries: "Inverter Series", cInvModel: "Inverter Model",
	cYears: "Deeming Period", cSTCs: "STCs Claimed", cInstaller: "Installer ID", cNotes: "Notes",
	cPanels: "Panel Serials", cInvs: "Inverter Serials",
}

// claimWriter renders claim cells; the same text goes to CSV and XLSX.
type claimWriter struct {
	w    *world
	cell []byte
	tmp  []byte
}

func (cw *claimWriter) serialList(c *claim, t *serialTab, ids []int32, salt uint64) []byte {
	b := cw.cell[:0]
	for i, s := range ids {
		if i > 0 {
			switch c.sep {
			case ' ':
				b = append(b, ';', ' ')
			default:
				b = append(b, c.sep)
			}
		}
		cw.tmp = t.appendText(cw.tmp[:0], s)
		if c.style&stySerialOdd != 0 && mix(uint64(c.pseed)+salt, uint64(i))%3 == 0 {
			b = oddSerial(b, cw.tmp)
		} else {
			b = append(b, cw.tmp...)
		}
	}
	cw.cell = b
	return b
}

func (cw *claimWriter) name(c *claim, bit uint16, s string, salt uint64) string {
	if c.style&bit == 0 {
		return s
	}
	return oddName(rand.New(rand.NewPCG(uint64(c.pseed), salt)), s)
}

func (cw *claimWriter) postcode(c *claim) []byte {
	if c.style&styPost3 != 0 && c.postcode >= 800 && c.postcode <= 899 {
		return appendPadded(cw.tmp[:0], uint64(c.postcode), 3)
	}
	return appendPadded(cw.tmp[:0], uint64(c.postcode), 4)
}

func (w *world) claimRow(b *batch, ref int32) *claim {
	switch {
	case b.amend:
		return &w.amends[ref]
	case ref < 0:
		return &w.rejects[-ref-1]
	}
	return &w.claims[ref]
}

func (w *world) writeClaims(ctx context.Context, out *output) error {
	cw := &claimWriter{w: w}
	for bi := range w.batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := &w.batches[bi]
		if b.xlsx {
			if err := w.writeClaimsXLSX(out, b, cw); err != nil {
				return err
			}
			continue
		}
		name := b.name + ".csv"
		c, err := createCSV(out.dir, name, b.bom, b.bom)
		if err != nil {
			return err
		}
		cols, head := standardCols, standardHeader
		if b.alias {
			cols, head = aliasCols, aliasHeader
		}
		for _, k := range cols {
			c.str(head[k])
		}
		c.end()
		for _, ref := range b.rows {
			cl := w.claimRow(b, ref)
			cl.line = int32(c.line)
			switch cl.reject {
			case rejBadDate:
				out.rejects = append(out.rejects, rejectRec{name, c.line, head[cInstalled], "not a date: 2025-13-45"})
			case rejBadKW:
				out.rejects = append(out.rejects, rejectRec{name, c.line, head[cKW], "not a number: " + string(appendKW(nil, cl.kwW, true)) + "kW"})
			case rejDupID:
				first := w.claims[w.origIndex(b, cl.num)].line
				out.rejects = append(out.rejects, rejectRec{name, c.line, head[cID],
					"claim_id " + claimID(cl.num) + " already used on line " + strconv.Itoa(int(first)) + " of this file"})
			}
			dmy := b.dmy || cl.style&styDMY != 0
			for _, k := range cols {
				switch k {
				case cID:
					c.plain(appendClaimID(cw.tmp[:0], cl.num))
				case cSubmitted:
					c.plain(appendDate(cw.tmp[:0], cl.submitted, dmy))
				case cInstalled:
					if cl.reject == rejBadDate {
						c.str("2025-13-45")
					} else {
						c.plain(appendDate(cw.tmp[:0], cl.installed, dmy))
					}
				case cPostcode:
					c.plain(cw.postcode(cl))
				case cKW:
					x := appendKW(cw.tmp[:0], cl.kwW, cl.style&styKWShort != 0)
					if cl.reject == rejBadKW {
						x = append(appendKW(cw.tmp[:0], cl.kwW, true), "kW"...)
					}
					c.plain(x)
				case cCount:
					c.int(int64(cl.panelCount))
				case cBrand:
					c.str(cw.name(cl, styBrandOdd, panelBrands[panelModels[cl.pModel].brand].name, 1))
				case cModel:
					c.str(cw.name(cl, styModelOdd, panelModels[cl.pModel].name, 2))
				case cInvMfr:
					c.str(cw.name(cl, styInvOdd, invBrands[invModels[cl.iModel].brand].name, 3))
				case cInvSeries:
					if cl.style&stySeriesBlank != 0 {
						c.empty()
					} else {
						c.str(invModels[cl.iModel].series)
					}
				case cInvModel:
					c.str(invModels[cl.iModel].name)
				case cYears:
					c.int(int64(cl.years))
				case cSTCs:
					c.int(cl.stcs)
				case cInstaller:
					c.plain(appendInstaller(cw.tmp[:0], cl.installer))
				case cNotes:
					if cl.notes >= 0 {
						c.str(claimNotes[cl.notes])
					} else {
						c.empty()
					}
				case cPanels:
					c.bytes(cw.serialList(cl, w.panels, cl.panels, 0))
				case cInvs:
					c.bytes(cw.serialList(cl, w.invs, cl.invs, 0x9e37))
				}
			}
			c.end()
		}
		if err := out.done(c); err != nil {
			return err
		}
	}
	return nil
}

// origIndex finds the loaded claim row with number num in batch b.
func (w *world) origIndex(b *batch, num int32) int32 {
	for _, ref := range b.rows {
		if ref >= 0 && w.claims[ref].num == num {
			return ref
		}
	}
	panic("gen: duplicate-id reject without its original")
}

func appendDate(b []byte, d day, dmy bool) []byte {
	if dmy {
		return d.appendDMY(b)
	}
	return d.appendISO(b)
}

func appendInstaller(b []byte, n int32) []byte {
	b = append(b, 'A')
	return appendPadded(b, uint64(n), 7)
}

// writeClaimsXLSX writes one batch as a workbook through excelize's
// StreamWriter: dates as date cells, numbers as numbers, serial lists and
// four-digit postcodes as text (a 08xx postcode sometimes as the number
// Excel makes of it).
func (w *world) writeClaimsXLSX(out *output, b *batch, cw *claimWriter) error {
	name := b.name + ".xlsx"
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Claims"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head := make([]any, len(standardCols))
	for i, k := range standardCols {
		head[i] = standardHeader[k]
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := make([]any, len(standardCols))
	for i, ref := range b.rows {
		cl := w.claimRow(b, ref)
		line := i + 2
		cl.line = int32(line)
		for j, k := range standardCols {
			var v any
			switch k {
			case cID:
				v = claimID(cl.num)
			case cSubmitted:
				v = excelize.Cell{StyleID: dateStyle, Value: cl.submitted.time()}
			case cInstalled:
				v = excelize.Cell{StyleID: dateStyle, Value: cl.installed.time()}
			case cPostcode:
				if cl.style&styPost3 != 0 && cl.postcode >= 800 && cl.postcode <= 899 {
					v = int(cl.postcode)
				} else {
					v = string(cw.postcode(cl))
				}
			case cKW:
				v = float64(cl.kwW) / 1000
			case cCount:
				v = int(cl.panelCount)
			case cBrand:
				v = cw.name(cl, styBrandOdd, panelBrands[panelModels[cl.pModel].brand].name, 1)
			case cModel:
				v = cw.name(cl, styModelOdd, panelModels[cl.pModel].name, 2)
			case cInvMfr:
				v = cw.name(cl, styInvOdd, invBrands[invModels[cl.iModel].brand].name, 3)
			case cInvSeries:
				if cl.style&stySeriesBlank == 0 {
					v = invModels[cl.iModel].series
				}
			case cInvModel:
				v = invModels[cl.iModel].name
			case cYears:
				v = int(cl.years)
			case cSTCs:
				v = cl.stcs
			case cInstaller:
				v = string(appendInstaller(nil, cl.installer))
			case cPanels:
				v = string(cw.serialList(cl, w.panels, cl.panels, 0))
			case cInvs:
				v = string(cw.serialList(cl, w.invs, cl.invs, 0x9e37))
			}
			row[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := f.SaveAs(out.dir + "/" + name); err != nil {
		return err
	}
	out.files = append(out.files, name)
	out.rows[name] = len(b.rows)
	return nil
}
