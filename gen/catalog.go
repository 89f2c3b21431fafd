package gen

// The fixed catalogue of the sample world: brands, models and their CEC
// approval windows, suppliers and their authorisations, serial-number formats
// and where people live. Randomness only chooses from it.

// window is an approval or authorisation period, both ends inclusive; to == 0
// means open-ended.
type window struct{ from, to day }

func (w window) covers(d day) bool { return d >= w.from && (w.to == 0 || d <= w.to) }

// modelStatus says how a model stands on the CEC lists, which decides which
// claims may use it.
type modelStatus uint8

const (
	stUsable     modelStatus = iota // approved throughout 2024-2025, with wattage
	stOnly2024                      // only on the 2024 list, still approved (lists are cumulative)
	stExportOnly                    // only on the CEC's own export: approved, no wattage
	stGap                           // approval lapsed for a while, then renewed
	stExpired                       // approval ended before 2024
	stFuture                        // approved only after every installation
	stUnlisted                      // on no list at all
)

// family is a serial-number format: prefix then zero-padded digits, with an
// optional dash before the last two digits. Formats differ in prefix or
// length, so different (family, number) pairs never give the same text.
type family struct {
	prefix string
	digits int
	dash   bool
	lo, hi uint64 // numbers are drawn from [lo, hi)
}

// brand is a brand as claims and ledgers write it (the trading name), and as
// the CEC lists write it (the legal entity): the shipped brand aliases of
// configs/stcrecon.yaml make the two one brand.
type brand struct {
	name   string
	legal  string
	fam    uint8 // serial family
	weight int
}

type panelModel struct {
	brand  int
	name   string
	watts  int  // datasheet wattage, used to size systems
	rated  bool // some CEC row carries rated_power_w
	status modelStatus
	weight int
}

type invModel struct {
	brand  int
	series string
	name   string
	acW    int // AC power in W
	micro  bool
	big    bool // commercial (three-phase, tens of kW)
	status modelStatus
}

// cecRow is one row of a CEC list file.
type cecRow struct {
	file  int // index into the kind's file list
	model int // -1: a row for a product no claim uses
	other [3]string
	w     window
	watts bool

	// As the list writes them (the legal entity, the model with its
	// certification suffix on later lists), and their brand and model keys.
	name, modelText string
	bkey, mkey      string
}

type supplier struct {
	name   string
	abn    string // filled at generation
	listed bool   // appears in suppliers.csv
	normal bool   // chosen for ordinary uploads when authorised
}

type auth struct {
	supplier int
	panel    bool // product: panel or inverter
	brand    int
	w        window
}

// Panel brands; the family index equals the brand index, and panelNumericFam
// (pure digits) is for serials a spreadsheet can mangle.
var panelBrands = []brand{
	{"Jinko", "Jinko Solar Co Ltd", 0, 22},
	{"Trina", "Trina Solar Co Ltd", 1, 20},
	{"LONGi", "LONGi Green Energy Technology Co Ltd", 2, 18},
	{"Canadian Solar", "CSI Solar Co Ltd", 3, 12},
	{"REC", "REC Solar Pte Ltd", 4, 6},
	{"Q CELLS", "Hanwha Q CELLS Australia Pty Ltd", 5, 8},
	{"JA Solar", "Shanghai JA Solar Technology Co Ltd", 6, 14},
}

const panelNumericFam = 7

var panelFams = []family{
	{prefix: "JK", digits: 12, lo: 2_100_000_000_00, hi: 2_599_999_999_99},
	{prefix: "TS", digits: 12, lo: 4_000_000_000_00, hi: 4_499_999_999_99},
	{prefix: "LR", digits: 12, lo: 5_100_000_000_00, hi: 5_599_999_999_99},
	{prefix: "CS", digits: 12, lo: 1_100_000_000_00, hi: 1_599_999_999_99},
	{prefix: "REC", digits: 11, lo: 21_000_000_000, hi: 24_999_999_999},
	{prefix: "QC", digits: 12, lo: 7_000_000_000_00, hi: 7_499_999_999_99},
	{prefix: "JA", digits: 12, lo: 3_200_000_000_00, hi: 3_699_999_999_99},
	{prefix: "", digits: 12, lo: 810_000_000_000, hi: 989_999_999_999},
}

var panelModels = []panelModel{
	{0, "JKM415N-54HL4-B", 415, true, stUsable, 5},
	{0, "JKM440N-54HL4R-V", 440, true, stUsable, 6},
	{0, "JKM420N-54HL4-V", 420, true, stUsable, 3},
	{0, "JKM405N-54HL4-X", 405, false, stUnlisted, 0},
	{1, "TSM-425NEG9R.28", 425, true, stUsable, 5},
	{1, "TSM-440NEG9R.28", 440, true, stUsable, 4},
	{1, "TSM-400DE09.08", 400, true, stUsable, 2},
	{1, "TSM-390DE09.05", 390, true, stExpired, 0},
	{2, "LR5-54HTH-430M", 430, true, stUsable, 5},
	{2, "LR5-54HPH-415M", 415, true, stUsable, 4},
	{2, "LR5-54HPH-405M", 405, true, stOnly2024, 2},
	{2, "LR5-72HPH-450M", 450, true, stUsable, 1},
	{3, "CS6R-410MS", 410, true, stUsable, 3},
	{3, "CS6.1-54TD-440", 440, true, stUsable, 2},
	{3, "CS6R-400MS", 400, true, stGap, 2},
	{4, "REC430AA Pure-RX", 430, true, stUsable, 2},
	{4, "REC405AA Pure-R", 405, true, stUsable, 1},
	{5, "Q.TRON BLK M-G2+ 435", 435, true, stUsable, 2},
	{5, "Q.PEAK DUO ML-G11S 415", 415, false, stExportOnly, 1},
	{6, "JAM54D40-440/LB", 440, true, stUsable, 3},
	{6, "JAM54D41-445/LB", 445, false, stExportOnly, 1},
	{6, "JAM54D41-450/LB", 450, true, stFuture, 0},
}

// The gap of the stGap model's approval: installations inside it are not approved.
var (
	gapFrom = mkDay(2024, 7, 1)
	gapTo   = mkDay(2024, 9, 30)
)

var invBrands = []brand{
	{"Fronius", "Fronius Australia Pty Ltd", 0, 20},
	{"SMA", "SMA Australia Pty Ltd", 1, 10},
	{"Sungrow", "Sungrow Power Supply Co Ltd", 2, 25},
	{"GoodWe", "GoodWe Technologies Co Ltd", 3, 15},
	{"Enphase", "Enphase Energy Inc", 4, 8},
	{"SolarEdge", "SolarEdge Technologies Ltd", 5, 10},
}

var invFams = []family{
	{prefix: "", digits: 8, lo: 10_000_000, hi: 99_999_999},
	{prefix: "", digits: 10, lo: 3_000_000_000, hi: 3_999_999_999},
	{prefix: "A", digits: 10, lo: 2_200_000_000, hi: 2_599_999_999},
	{prefix: "GW", digits: 12, lo: 5_000_000_000_00, hi: 5_999_999_999_99},
	{prefix: "", digits: 12, lo: 121_000_000_000, hi: 129_999_999_999},
	{prefix: "7F", digits: 8, dash: true, lo: 10_000_000, hi: 99_999_999},
}

var invModels = []invModel{
	{0, "Primo", "Primo 5.0-1", 5000, false, false, stUsable},
	{0, "Primo", "Primo 8.2-1", 8200, false, false, stUsable},
	{0, "Symo", "Symo 10.0-3-M", 10000, false, false, stUsable},
	{0, "Symo", "Symo 15.0-3-M", 15000, false, false, stUsable},
	{0, "Tauro", "Tauro 50-3-D", 50000, false, true, stUsable},
	{1, "Sunny Boy", "SB5.0-1AV-41", 5000, false, false, stUsable},
	{1, "Sunny Boy", "SB6.0-1AV-41", 6000, false, false, stUsable},
	{1, "Sunny Tripower", "STP10.0-3AV-40", 10000, false, false, stUsable},
	{1, "Sunny Tripower", "STP 25000TL-30", 25000, false, true, stUsable},
	{1, "Sunny Boy", "SB3.0-1AV-40", 3000, false, false, stExpired},
	{2, "RS", "SG5.0RS", 5000, false, false, stUsable},
	{2, "RS", "SG8.0RS", 8000, false, false, stUsable},
	{2, "RT", "SG10RT", 10000, false, false, stUsable},
	{2, "RT", "SG15RT", 15000, false, false, stUsable},
	{2, "CX", "SG50CX", 50000, false, true, stUsable},
	{3, "DNS", "GW5000-DNS-30", 5000, false, false, stUsable},
	{3, "DNS", "GW6000-DNS-30", 6000, false, false, stUsable},
	{3, "SDT", "GW10K-SDT-30", 10000, false, false, stUsable},
	{3, "DT", "GW5K-DT", 5000, false, false, stUnlisted},
	{4, "IQ8", "IQ8PLUS-72-2-INT", 290, true, false, stUsable},
	{4, "IQ8", "IQ8AC-72-M-INT", 366, true, false, stUsable},
	{5, "HD-Wave", "SE5000H", 5000, false, false, stUsable},
	{5, "HD-Wave", "SE8250H", 8250, false, false, stUsable},
	{5, "Three Phase", "SE10K", 10000, false, false, stUsable},
}

// CEC list files, in load (name) order.
var (
	cecModuleFiles   = []string{"cec_modules_2024.csv", "cec_modules_2025.csv", "cec_modules_cec_export.csv"}
	cecInverterFiles = []string{"cec_inverters_2024.csv", "cec_inverters_2025.csv"}
)

const (
	cm2024 = iota
	cm2025
	cmExport
)

// moduleRows lays the panel models out over the three module lists.
func moduleRows() []cecRow {
	var rows []cecRow
	for i, m := range panelModels {
		// Each usable model gets its own plausible window.
		from := mkDay(2021, 1+i%12, 1+(i*7)%27)
		to := mkDay(2026+i%3, 1+(i*5)%12, 1+(i*3)%27)
		switch m.status {
		case stUsable:
			if i%3 != 2 {
				rows = append(rows, cecRow{file: cm2024, model: i, w: window{from, mkDay(2025, 12, 31)}, watts: true})
			}
			rows = append(rows, cecRow{file: cm2025, model: i, w: window{from, to}, watts: true})
			if i%2 == 0 {
				rows = append(rows, cecRow{file: cmExport, model: i, w: window{from, to}})
			}
		case stOnly2024:
			rows = append(rows, cecRow{file: cm2024, model: i, w: window{mkDay(2021, 3, 15), mkDay(2027, 3, 14)}, watts: true})
		case stExportOnly:
			rows = append(rows, cecRow{file: cmExport, model: i, w: window{mkDay(2023, 2, 1), mkDay(2028, 1, 31)}})
		case stGap:
			rows = append(rows,
				cecRow{file: cm2024, model: i, w: window{mkDay(2021, 1, 1), gapFrom - 1}, watts: true},
				cecRow{file: cm2025, model: i, w: window{gapTo + 1, mkDay(2029, 12, 31)}, watts: true},
				cecRow{file: cmExport, model: i, w: window{gapTo + 1, mkDay(2029, 12, 31)}})
		case stExpired:
			rows = append(rows, cecRow{file: cm2024, model: i, w: window{mkDay(2019, 6, 1), mkDay(2023, 12, 31)}, watts: true})
		case stFuture:
			rows = append(rows, cecRow{file: cm2025, model: i, w: window{mkDay(2025, 11, 1), mkDay(2030, 10, 31)}, watts: true})
		}
	}
	// Products no claim uses, as on the real lists.
	for _, o := range []struct {
		file                   int
		licensee, model, watts string
		from, to               day
	}{
		{cm2024, "Risen Energy Co Ltd", "RSM108-9-410BMDG", "410", mkDay(2021, 8, 2), mkDay(2026, 8, 1)},
		{cm2025, "Risen Energy Co Ltd", "RSM108-9-430N", "430", mkDay(2023, 5, 9), mkDay(2028, 5, 8)},
		{cm2025, "Chint New Energy Technology Co Ltd", "CHSM54N(DG)/F-BH-435", "435", mkDay(2024, 2, 20), mkDay(2029, 2, 19)},
		{cm2025, "Tongwei Co Ltd", "TWMND-54HD425", "425", mkDay(2024, 6, 3), mkDay(2029, 6, 2)},
		{cmExport, "Risen Energy Co Ltd", "RSM108-9-430N", "", mkDay(2023, 5, 9), mkDay(2028, 5, 8)},
		{cmExport, "Chint New Energy Technology Co Ltd", "CHSM54N(DG)/F-BH-440", "", mkDay(2024, 2, 20), mkDay(2029, 2, 19)},
		{cmExport, "Zhejiang Aiko Solar Technology Co Ltd", "AIKO-A450-MAH54Mw", "", mkDay(2024, 4, 11), mkDay(2029, 4, 10)},
		{cmExport, "Seraphim Solar System Co Ltd", "SRP-415-BMB-HV", "", mkDay(2022, 9, 30), mkDay(2027, 9, 29)},
	} {
		rows = append(rows, cecRow{file: o.file, model: -1, other: [3]string{o.licensee, o.model, o.watts}, w: window{o.from, o.to}, watts: o.watts != ""})
	}
	return rows
}

// inverterRows lays the inverter models out over the two inverter lists.
func inverterRows() []cecRow {
	var rows []cecRow
	for i, m := range invModels {
		from := mkDay(2020, 1+i%12, 1+(i*11)%27)
		to := mkDay(2026+i%3, 1+(i*7)%12, 1+(i*5)%27)
		switch m.status {
		case stUsable:
			if i%2 == 0 {
				rows = append(rows, cecRow{file: 0, model: i, w: window{from, mkDay(2025, 12, 31)}})
			}
			rows = append(rows, cecRow{file: 1, model: i, w: window{from, to}})
		case stExpired:
			rows = append(rows, cecRow{file: 0, model: i, w: window{mkDay(2018, 2, 1), mkDay(2023, 12, 31)}})
		}
	}
	for _, o := range []struct {
		file               int
		mfr, series, model string
		from, to           day
	}{
		{0, "Huawei Technologies Co Ltd", "SUN2000", "SUN2000-5KTL-L1", mkDay(2020, 5, 4), mkDay(2026, 5, 3)},
		{1, "Huawei Technologies Co Ltd", "SUN2000", "SUN2000-10KTL-M1", mkDay(2021, 3, 1), mkDay(2027, 2, 28)},
		{1, "Shenzhen Growatt New Energy Co Ltd", "MIN", "MIN 5000TL-X", mkDay(2021, 9, 14), mkDay(2026, 9, 13)},
		{1, "Ginlong Technologies Co Ltd", "S6", "S6-GR1P5K", mkDay(2023, 1, 23), mkDay(2028, 1, 22)},
	} {
		rows = append(rows, cecRow{file: o.file, model: -1, other: [3]string{o.mfr, o.series, o.model}, w: window{o.from, o.to}})
	}
	return rows
}

// Suppliers. Index order is the order of suppliers.csv.
const (
	supLapsed   = 6 // authorised for Jinko, LONGi and Trina until lapsedTo
	supLate     = 8 // authorised for Canadian and JA only from lateFrom
	supUnlisted = 9 // not in suppliers.csv at all
)

var (
	lapsedTo = mkDay(2024, 3, 31)
	lateFrom = mkDay(2024, 7, 1)
)

func catalogueSuppliers() []supplier {
	return []supplier{
		{name: "Solar Juice Pty Ltd", listed: true, normal: true},
		{name: "Rexel Australia Pty Ltd", listed: true, normal: true},
		{name: "Krannich Solar Australia Pty Ltd", listed: true, normal: true},
		{name: "One Stop Warehouse Pty Ltd", listed: true, normal: true},
		{name: "Supply Partners Pty Ltd", listed: true, normal: true},
		{name: "Jinko Solar Australia Holdings Co Pty Ltd", listed: true, normal: true},
		{name: "Sunvault Distribution Pty Ltd", listed: true, normal: true},
		{name: "Bright Sparks Imports Pty Ltd", listed: true, normal: true},
		{name: "Greenlight Wholesale Pty Ltd", listed: true, normal: true},
		{name: "Pacific Solar Traders", listed: false, normal: false},
	}
}

func catalogueAuths() []auth {
	var a []auth
	add := func(s int, panel bool, from, to day, brands ...int) {
		for _, b := range brands {
			a = append(a, auth{supplier: s, panel: panel, brand: b, w: window{from, to}})
		}
	}
	add(0, true, mkDay(2019, 7, 1), 0, 0, 1, 2, 3, 6)
	add(0, false, mkDay(2019, 7, 1), 0, 2, 3, 0)
	add(1, true, mkDay(2020, 3, 1), 0, 5, 4, 1)
	add(1, false, mkDay(2020, 3, 1), 0, 1, 0, 5)
	add(2, true, mkDay(2019, 1, 1), 0, 0, 3, 4, 5, 2)
	add(2, false, mkDay(2019, 1, 1), 0, 1, 0, 5, 4)
	add(3, true, mkDay(2020, 1, 1), 0, 2, 0, 6, 1)
	add(3, false, mkDay(2020, 1, 1), mkDay(2027, 6, 30), 2, 3, 4)
	add(4, true, mkDay(2021, 5, 1), 0, 1, 3, 2, 6)
	add(5, true, mkDay(2018, 1, 1), 0, 0)
	add(6, true, mkDay(2021, 1, 1), lapsedTo, 0, 2, 1)
	add(7, true, mkDay(2022, 2, 1), 0, 4)
	add(8, true, lateFrom, 0, 3, 6)
	add(8, false, lateFrom, 0, 3)
	return a
}

// postcodeRange is a populated span of postcodes with a weight.
type postcodeRange struct{ from, to, weight int }

var postcodeRanges = []postcodeRange{
	{2000, 2234, 12}, {2250, 2330, 5}, {2340, 2490, 4}, {2500, 2530, 3}, {2540, 2599, 2},
	{2600, 2618, 2}, {2619, 2800, 4}, {2900, 2914, 1},
	{3000, 3207, 12}, {3300, 3999, 6},
	{4000, 4179, 8}, {4200, 4230, 3}, {4300, 4899, 8},
	{5000, 5174, 6}, {5200, 5799, 2},
	{6000, 6199, 8}, {6200, 6799, 3},
	{7000, 7330, 2},
	{800, 886, 2},
}

var invalidReasons = []string{
	"Reported stolen",
	"Damaged in transit",
	"Failed flash test",
	"Recalled by manufacturer",
	"Duplicate upload withdrawn",
}

var claimNotes = []string{
	"Battery installed, 10 kWh",
	"Replaces 1.5 kW system",
	"Split array, east/west",
	"Customer requested \"black frame\" panels",
	"Three-phase supply",
}

// Certification designations the later CEC lists append to model numbers, as
// the real lists do; configs/stcrecon.yaml's model_suffixes drop them.
const (
	sufModule   = " (IEC 61215-2021)"
	sufModule2  = " (IEC1500V) (IEC 61215-2021)" // two in a row, as CSI Solar's rows have
	sufInverter = " (AS4777-2 2020)"
)

// moduleText is what a module list writes for row r: the legal entity, and
// the model with its certification suffix except on the 2024 list (older,
// bare approvals, as on the real list).
func moduleText(r cecRow) (licensee, model string) {
	if r.model < 0 {
		if r.file != cm2024 {
			return r.other[0], r.other[1] + sufModule
		}
		return r.other[0], r.other[1]
	}
	m := panelModels[r.model]
	licensee, model = panelBrands[m.brand].legal, m.name
	switch {
	case r.file == cm2024:
	case m.brand == 3:
		model += sufModule2
	default:
		model += sufModule
	}
	return licensee, model
}

// inverterText is what an inverter list writes for row r: the legal entity,
// and the model, suffixed on the 2025 list.
func inverterText(r cecRow) (manufacturer, series, model string) {
	if r.model < 0 {
		if r.file == 1 {
			return r.other[0], r.other[1], r.other[2] + sufInverter
		}
		return r.other[0], r.other[1], r.other[2]
	}
	m := invModels[r.model]
	model = m.name
	if r.file == 1 {
		model += sufInverter
	}
	return invBrands[m.brand].legal, m.series, model
}

// authBrandText is the brand suppliers.csv writes for authorisation i: the
// legal entity on every third row, else the trading brand.
func authBrandText(i int, a auth) string {
	var b brand
	if a.panel {
		b = panelBrands[a.brand]
	} else {
		b = invBrands[a.brand]
	}
	if i%3 == 1 {
		return b.legal
	}
	return b.name
}
