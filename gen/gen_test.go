package gen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"stcrecon/configs"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/names"
)

func generate(t testing.TB, dir string, o Options) Summary {
	t.Helper()
	o.Out = dir
	s, err := Generate(context.Background(), o)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return s
}

func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSameSeedSameBytes(t *testing.T) {
	o := Options{Claims: 400, Seed: 42, XLSX: true}
	a, b := t.TempDir(), t.TempDir()
	sa, sb := generate(t, a, o), generate(t, b, o)
	if !slices.Equal(sa.Files, sb.Files) {
		t.Fatalf("file lists differ:\n%v\n%v", sa.Files, sb.Files)
	}
	ha, hb := hashes(t, a), hashes(t, b)
	if len(ha) != len(sa.Files) {
		t.Errorf("summary lists %d files, folder has %d", len(sa.Files), len(ha))
	}
	for name, h := range ha {
		if hb[name] != h {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
}

func TestDifferentSeedsDiffer(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	generate(t, a, Options{Claims: 300, Seed: 1})
	generate(t, b, Options{Claims: 300, Seed: 2})
	ha, hb := hashes(t, a), hashes(t, b)
	for _, name := range []string{ExpectedFindingsFile, "panel_ledger_2024.csv", "inverter_ledger_01.csv", "suppliers.csv"} {
		if ha[name] == hb[name] {
			t.Errorf("%s is the same for seeds 1 and 2", name)
		}
	}
}

func TestHeadersMatchContract(t *testing.T) {
	dir := t.TempDir()
	s := generate(t, dir, Options{Claims: 500, Seed: 7, XLSX: true})
	kinds := map[string]int{}
	sawXLSX := false
	for _, name := range s.Files {
		k, ok := ingest.KindOf(name)
		kind := string(k)
		if !ok {
			if name != ExpectedFindingsFile && name != ExpectedRejectsFile {
				t.Errorf("%s: no kind prefix", name)
			}
			continue
		}
		kinds[kind]++
		header := firstRow(t, filepath.Join(dir, name))
		if _, err := ingest.ResolveHeader(k, header); err != nil {
			t.Errorf("%s: header %q: %v", name, header, err)
		}
		sawXLSX = sawXLSX || strings.HasSuffix(name, ".xlsx")
	}
	for _, k := range ingest.Kinds {
		if kinds[string(k)] == 0 {
			t.Errorf("no %s file written", k)
		}
	}
	if !sawXLSX {
		t.Error("XLSX set, but no .xlsx claims batch")
	}
	// Real-world layouts the brief asks for, word for word.
	want := map[string]string{
		"cec_modules_cec_export.csv":    "Licensee/Certificate Holder,Model Number,CEC Approved Date,Expiry Date,Fire Tested",
		"cec_modules_2025.csv":          "licensee,model_number,rated_power_w,approved_on,expires_on",
		"cec_inverters_2025.csv":        "Manufacturer,Series,Model Number,AC Power (kW),Approval Date,Expiry Date",
		"inverter_ledger_00_legacy.csv": "Brand,Model,Series,Serial Number",
		"inverter_ledger_02_status.csv": "manufacturer,model,series,serial number,status,reason,uploaded_at",
		"inverter_ledger_03_status.csv": "manufacturer,model,series,serial number,status,reason,uploaded_at",
		"panel_ledger_2024.csv":         "supplier name,licensee/certificate holder,model number,serial number,upload_date,status,reason",
		ExpectedFindingsFile:            "claim_id,component,serial_number,rule,severity,detail",
		ExpectedRejectsFile:             "file,line,column,reason",
	}
	for name, h := range want {
		if got := strings.Join(firstRow(t, filepath.Join(dir, name)), ","); got != h {
			t.Errorf("%s header = %q, want %q", name, got, h)
		}
	}
	if got := strings.Join(firstRow(t, filepath.Join(dir, "inverter_ledger_01.csv")), ","); !strings.HasPrefix(got, "manufacturer,model,series,serial number") {
		t.Errorf("inverter_ledger_01.csv header = %q", got)
	}
	// Load order is byte order, and the amendment file follows its batch.
	if !slices.IsSorted(s.Files) {
		t.Error("summary files not in byte order")
	}
	i := slices.Index(s.Files, "claims_2025_01_amend.csv")
	if i < 1 || s.Files[i-1] != "claims_2025_01.csv" {
		t.Errorf("amendment file missing or misplaced: %v", s.Files)
	}
}

func firstRow(t *testing.T, path string) []string {
	t.Helper()
	if strings.HasSuffix(path, ".xlsx") {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil || len(rows) == 0 {
			t.Fatalf("%s: %v", path, err)
		}
		return rows[0]
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	line, err := bufio.NewReader(fh).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	line = strings.TrimPrefix(line, "\xEF\xBB\xBF")
	rec, err := csv.NewReader(strings.NewReader(line)).Read()
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestEveryRuleFires: a run of about 2000 claims expects every check of
// contract §3 except claim.unknown_postcode (the shipped zone table has no gaps).
func TestEveryRuleFires(t *testing.T) {
	dir := t.TempDir()
	s := generate(t, dir, Options{Claims: 2000, Seed: 2025, XLSX: true})
	recs := readCSV(t, filepath.Join(dir, ExpectedFindingsFile))
	if len(recs)-1 != s.ExpectedFindings {
		t.Errorf("summary says %d findings, file has %d", s.ExpectedFindings, len(recs)-1)
	}
	got := map[string]int{}
	for _, r := range recs[1:] {
		got[r[3]]++
		comp := strings.SplitN(r[3], ".", 2)[0]
		if r[1] != comp {
			t.Errorf("%v: component %s for rule %s", r, r[1], r[3])
		}
		wantSev := "error"
		if r[3] == rCapacity {
			wantSev = "warning"
		}
		if r[4] != wantSev {
			t.Errorf("%v: severity %s", r, r[4])
		}
	}
	for _, rule := range allRules {
		if rule == rUnknownPostcode {
			if got[rule] != 0 {
				t.Errorf("%s expected %d times: the shipped table covers every postcode", rule, got[rule])
			}
			continue
		}
		if got[rule] == 0 {
			t.Errorf("no %s finding expected", rule)
		}
	}
	if !slices.IsSortedFunc(recs[1:], func(a, b []string) int {
		return strings.Compare(a[0]+"\x00"+a[3]+"\x00"+a[2], b[0]+"\x00"+b[3]+"\x00"+b[2])
	}) {
		t.Error("expected_findings.csv not sorted by claim_id, rule, serial_number")
	}
	rejected := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, ExpectedRejectsFile))[1:] {
		h := ingest.NormalizeHeader(r[2])
		if h == "installation_date" {
			h = "installed_on"
		}
		rejected[h] = true
	}
	for _, c := range []string{"claim_id", "installed_on", "rated_output_kw", "serial_number"} {
		if !rejected[c] {
			t.Errorf("no deliberately invalid %s among the expected rejects", c)
		}
	}
}

func TestRejectLinesPointAtRows(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, Options{Claims: 1200, Seed: 11})
	for _, r := range readCSV(t, filepath.Join(dir, ExpectedRejectsFile))[1:] {
		b, err := os.ReadFile(filepath.Join(dir, r[0]))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		var n int
		for _, c := range r[1] {
			n = n*10 + int(c-'0')
		}
		line := lines[n-1]
		var ok bool
		switch h := ingest.NormalizeHeader(r[2]); h {
		case "serial_number":
			ok = sciRE.MatchString(strings.Split(line, ",")[3])
		case "installed_on", "installation_date":
			ok = strings.Contains(line, "2025-13-45")
		case "rated_output_kw":
			ok = strings.Contains(line, "kW,")
		case "claim_id":
			ok = strings.HasPrefix(line, "PVD")
		}
		if !ok {
			t.Errorf("reject %v: line %d is %q", r, n, line)
		}
	}
}

// sciRE matches a serial a spreadsheet turned into scientific notation.
var sciRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$`)

func TestAwkwardTextNormalisesBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var names []string
	for _, b := range panelBrands {
		names = append(names, b.name)
	}
	for _, m := range panelModels {
		names = append(names, m.name)
	}
	for _, b := range invBrands {
		names = append(names, b.name)
	}
	for _, s := range catalogueSuppliers() {
		names = append(names, s.name)
	}
	for _, n := range names {
		for range 20 {
			if odd := oddName(rng, n); normName(odd) != normName(n) {
				t.Errorf("oddName(%q) = %q normalises differently", n, odd)
			}
		}
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[normName(n)] {
			t.Errorf("two catalogue names normalise to %q", normName(n))
		}
		seen[normName(n)] = true
	}
	for _, s := range []string{"JK210000000001", "7F123456-78", "30000001", "REC21000000001"} {
		if got := normSerial(string(oddSerial(nil, []byte(s)))); got != s {
			t.Errorf("oddSerial(%s) normalises to %s", s, got)
		}
	}
	if got := string(oddSerial(nil, []byte("AB1234"))); got != " ab12 34 " {
		t.Errorf("oddSerial(AB1234) = %q", got)
	}
}

func TestSerialFormatsAreDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, fams := range [][]family{panelFams, invFams} {
		tab := newSerialTab(fams, rng, 0)
		seen := map[string]bool{}
		for f := range fams {
			for range 200 {
				s := tab.fresh(rng, uint8(f), 0, 0)
				txt := tab.text(s)
				if seen[txt] || normSerial(txt) != txt || sciRE.MatchString(txt) {
					t.Fatalf("serial %q: repeated, not normal or spreadsheet-like", txt)
				}
				seen[txt] = true
			}
		}
	}
}

func TestArithmetic(t *testing.T) {
	for _, c := range []struct {
		from        day
		months      int
		want        day
		description string
	}{
		{mkDay(2024, 2, 29), 12, mkDay(2025, 2, 28), "leap day clamps"},
		{mkDay(2024, 1, 31), 1, mkDay(2024, 2, 29), "to a leap February"},
		{mkDay(2024, 3, 31), 12, mkDay(2025, 3, 31), "plain"},
		{mkDay(2024, 8, 31), 18, mkDay(2026, 2, 28), "across years"},
	} {
		if got := addMonths(c.from, c.months); got != c.want {
			t.Errorf("%s: %s + %d months = %s, want %s", c.description, c.from, c.months, got, c.want)
		}
	}
	for d := mkDay(1999, 12, 25); d < mkDay(2031, 1, 5); d++ {
		y, m, dd := d.civil()
		if mkDay(y, m, dd) != d || d.time().Format("2006-01-02") != d.String() {
			t.Fatalf("day %d: civil round trip fails", d)
		}
	}
	r3, _ := parseDecimal("1.382")
	if got := stcsFor(100_000, r3, 5); got != 691 {
		t.Errorf("100 kW zone 3 5 years = %d STCs, want 691", got)
	}
	r2, _ := parseDecimal("1.536")
	if got := stcsFor(6_250, r2, 5); got != 48 {
		t.Errorf("6.25 kW zone 2 5 years = %d STCs, want 48", got)
	}
	if capacityOff(6250, 15, 415) || !capacityOff(6300, 15, 415) {
		t.Error("capacity tolerance wrong")
	}
	for w, want := range map[int64]string{6600: "6.6", 100000: "100", 6615: "6.615", 6250: "6.25"} {
		if got := string(appendKW(nil, w, true)); got != want {
			t.Errorf("appendKW(%d) = %s, want %s", w, got, want)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Options{Out: t.TempDir(), Claims: 100, Seed: 1}); err == nil {
		t.Error("Generate ran on a cancelled context")
	}
}

func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		generate(b, dir, Options{Claims: 10_000, Seed: 1, XLSX: true})
	}
}

func TestSupplierABNsValid(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, Options{Claims: 50, Seed: 8})
	weights := []int{10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	for _, r := range readCSV(t, filepath.Join(dir, "suppliers.csv"))[1:] {
		abn := strings.ReplaceAll(r[1], " ", "")
		if abn == "" {
			continue
		}
		sum := 0
		for i, c := range abn {
			d := int(c - '0')
			if i == 0 {
				d--
			}
			sum += d * weights[i]
		}
		if len(abn) != 11 || sum%89 != 0 {
			t.Errorf("invalid ABN %q", r[1])
		}
	}
}

// TestAllotRates: faults and traps are allotted by exact counts.
func TestAllotRates(t *testing.T) {
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWorld(Options{Claims: 10000, Seed: 1, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int, numKinds)
	for _, k := range w.allot(10000) {
		got[k]++
	}
	for k := kind(1); k < numKinds; k++ {
		if got[k] != rates[k] {
			t.Errorf("%s: %d of 10000 claims, want %d", kindNames[k], got[k], rates[k])
		}
	}
	if got[kClean] < 7500 {
		t.Errorf("only %d clean claims of 10000", got[kClean])
	}
}

// The CEC lists look like the real ones (legal entities, certification
// suffixes, D/MM/YYYY dates), while claims and ledgers write trading brands
// and bare models; the shipped brand aliases and model suffixes make them
// match (the truth and the audit compare them by key alike).
func TestNamesAsTheRealListsWriteThem(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, Options{Claims: 300, Seed: 7})
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := csv.NewReader(bufio.NewReader(f))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs[1:]
	}
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	listBrands, listBases := map[string]bool{}, map[string]bool{}
	suffixed, short := 0, 0
	dmy := regexp.MustCompile(`^[1-9][0-9]?/[01][0-9]/20[0-9]{2}$`)
	for _, rec := range read("cec_modules_cec_export.csv") {
		if !strings.HasSuffix(rec[0], " Ltd") && !strings.HasSuffix(rec[0], " Inc") {
			t.Errorf("licensee %q is no legal entity", rec[0])
		}
		key, _ := cfg.Names.Brand(rec[0])
		listBrands[key], listBases[names.Base(rec[0])] = true, true
		if _, suf := cfg.Names.Model(rec[1]); suf != "" {
			suffixed++
		}
		if !dmy.MatchString(rec[2]) || !dmy.MatchString(rec[3]) {
			t.Errorf("dates %q %q are not D/MM/YYYY", rec[2], rec[3])
		}
		if rec[2][1] == '/' {
			short++
		}
	}
	if suffixed == 0 || short == 0 {
		t.Errorf("%d suffixed models, %d one-digit days on the CEC export", suffixed, short)
	}
	for _, rec := range read("cec_inverters_2025.csv") {
		if !strings.HasSuffix(rec[2], " (AS4777-2 2020)") {
			t.Errorf("inverter model %q has no AS4777 suffix", rec[2])
		}
	}
	f, err := os.Open(filepath.Join(dir, "claims_2025_01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(f)
	head, _ := r.Read()
	col := slices.Index(head, "panel_brand")
	modelCol := slices.Index(head, "panel_model")
	recs, _ := r.ReadAll()
	f.Close()
	if col < 0 || modelCol < 0 || len(recs) == 0 {
		t.Fatalf("claims header %v", head)
	}
	for _, rec := range recs {
		if key, _ := cfg.Names.Brand(rec[col]); !listBrands[key] || listBases[names.Base(rec[col])] {
			t.Errorf("claim brand %q (key %q) should reach a list's legal entity only through an alias", rec[col], key)
		}
		if _, suf := cfg.Names.Model(rec[modelCol]); suf != "" {
			t.Errorf("claim model %q carries a certification suffix", rec[modelCol])
		}
	}
}
