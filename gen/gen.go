package gen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"stcrecon/configs"
)

// Version names what Generate writes for given options. Bump it with any
// change to the files or the truth, so cached scenarios (make bench) are
// generated again.
const Version = 3

// Options says what to generate.
type Options struct {
	Out               string          // folder to write into (created if missing)
	Claims            int             // number of claims (systems)
	Seed              uint64          // same seed + options => byte-identical files
	ExtraPanelSerials int             // unclaimed panel-ledger serials (stock never installed); 0: a tenth of the claimed panels
	Config            *configs.Config // zone table, ratings, deeming rules; nil: configs.Default()
	XLSX              bool            // write one claims batch as .xlsx (excelize StreamWriter) instead of .csv
}

// Summary reports what was written.
type Summary struct {
	Files            []string       // file names, in byte order (the load order)
	Rows             map[string]int // data rows written per file name (header not counted)
	ExpectedFindings int
}

// Names of the truth files, in the subfolder truth/ of the inbox: ingesting
// the folder lists that folder as ignored and reads none of it (a .csv file of
// no kind directly in an inbox is rejected, contract §1).
const (
	TruthDir             = "truth"
	ExpectedFindingsFile = TruthDir + "/expected_findings.csv"
	ExpectedRejectsFile  = TruthDir + "/expected_rejects.csv"
)

// Generate writes a sample inbox: every input kind of the data contract, with
// faults at known rates, and the findings and rejects an audit must report.
func Generate(ctx context.Context, o Options) (sum Summary, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exhausted)
			if !ok {
				panic(r)
			}
			err = errors.New(e.msg)
		}
	}()
	if o.Out == "" {
		return sum, errors.New("gen: no output folder")
	}
	if o.Claims < 1 {
		return sum, fmt.Errorf("gen: %d claims: need at least 1", o.Claims)
	}
	if o.Config == nil {
		cfg, err := configs.Default()
		if err != nil {
			return sum, err
		}
		o.Config = cfg
	}
	if err := os.MkdirAll(filepath.Join(o.Out, TruthDir), 0o755); err != nil {
		return sum, fmt.Errorf("gen: %w", err)
	}
	w, err := newWorld(o)
	if err != nil {
		return sum, err
	}
	w.installers = make([]int32, o.Claims/15+5)
	for i := range w.installers {
		w.installers[i] = int32(1_000_000 + w.rng.IntN(8_999_999))
	}
	extraPanels := o.ExtraPanelSerials
	w.panels = newSerialTab(panelFams, w.rng, o.Claims*24+extraPanels+o.Claims/10+64)
	w.invs = newSerialTab(invFams, w.rng, o.Claims*3+64)
	w.sciWanted = 1 + o.Claims/25000

	if err := w.buildAll(ctx, o.Claims); err != nil {
		return sum, err
	}
	if extraPanels <= 0 {
		extraPanels = w.panels.len()/10 + 20
	}
	if err := w.stock(ctx, extraPanels); err != nil {
		return sum, err
	}
	w.invStock(w.invs.len()/20 + 5)
	for w.sciCount < w.sciWanted {
		// No claim took the mangled serial: a stock panel's row is mangled.
		pm := 0
		up := w.between(mkDay(2024, 2, 1), mkDay(2025, 11, 28))
		g := w.newPanelGroup(w.businessTime(up), w.pickSupplier(panelModels[pm].brand, up))
		s := w.panels.fresh(w.rng, panelNumericFam, int16(pm), g)
		w.panels.flag[s] |= flagMangled
		w.sciCount++
	}
	w.arrange(o)
	if err := ctx.Err(); err != nil {
		return sum, err
	}

	out := &output{dir: o.Out, rows: map[string]int{}}
	steps := []func() error{
		func() error { return w.writeCEC(out) },
		func() error { return w.writeSuppliers(out) },
		func() error { return w.writePanelLedger(ctx, out) },
		func() error { return w.writeInvLedger(ctx, out) },
		func() error { return w.writeClaims(ctx, out) },
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if err := step(); err != nil {
			return sum, fmt.Errorf("gen: %w", err)
		}
	}
	findings, err := w.truth(ctx)
	if err != nil {
		return sum, err
	}
	if err := writeFindings(out, findings); err != nil {
		return sum, fmt.Errorf("gen: %w", err)
	}
	if err := writeRejects(out); err != nil {
		return sum, fmt.Errorf("gen: %w", err)
	}
	slices.Sort(out.files)
	return Summary{Files: out.files, Rows: out.rows, ExpectedFindings: len(findings)}, nil
}

func writeFindings(out *output, fs []finding) error {
	c, err := createCSV(out.dir, ExpectedFindingsFile, false, false)
	if err != nil {
		return err
	}
	c.header("claim_id", "component", "serial_number", "rule", "severity", "detail")
	var b []byte
	for _, f := range fs {
		c.plain(appendClaimID(b[:0], f.claim))
		c.str(f.component)
		c.str(f.serial)
		c.str(f.rule)
		c.str(f.severity)
		c.str(f.detail)
		c.end()
	}
	return out.done(c)
}

func writeRejects(out *output) error {
	slices.SortFunc(out.rejects, func(a, b rejectRec) int {
		return cmp.Or(strings.Compare(a.file, b.file), cmp.Compare(a.line, b.line))
	})
	c, err := createCSV(out.dir, ExpectedRejectsFile, false, false)
	if err != nil {
		return err
	}
	c.header("file", "line", "column", "reason")
	for _, r := range out.rejects {
		c.str(r.file)
		c.str(strconv.Itoa(r.line))
		c.str(r.column)
		c.str(r.reason)
		c.end()
	}
	return out.done(c)
}
