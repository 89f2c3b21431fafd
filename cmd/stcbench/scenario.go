package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"stcrecon/configs"
	"stcrecon/gen"
)

// splitVersion names how a generated inbox is cut into base and night; bump it
// when that changes, so cached scenarios are made again.
const splitVersion = 1

// claimsPerSF is the number of claims at scale factor 1 (about 1.75M panel-ledger rows).
const claimsPerSF = 50_000

// nightClaims is how many claims one night brings, at every scale.
const nightClaims = 1_500

// scenario is a generated inbox cut in two: base (everything loaded before the
// night) and night (one night's new claims, ledger uploads and status
// updates). all holds both, for the plain script.
type scenario struct {
	Dir        string
	SF         int
	BaseRows   int64 // data rows of the base files
	LedgerRows int64 // of which panel- and inverter-ledger rows
	NightRows  int64
	NightClaim int64
	Expected   int // expected findings of the whole scenario
}

func (s *scenario) gen() string   { return filepath.Join(s.Dir, "gen") }
func (s *scenario) base() string  { return filepath.Join(s.Dir, "base") }
func (s *scenario) night() string { return filepath.Join(s.Dir, "night") }
func (s *scenario) all() string   { return filepath.Join(s.Dir, "all") }

// prepareScenario returns the cached scenario for sf under root, generating it
// when it is missing or was made by another generator or split version.
func prepareScenario(ctx context.Context, root string, sf int, logf func(string, ...any)) (*scenario, error) {
	dir := filepath.Join(root, fmt.Sprintf("sf%d-gen%d-split%d", sf, gen.Version, splitVersion))
	ready := filepath.Join(dir, "scenario.json")
	if b, err := os.ReadFile(ready); err == nil {
		s := &scenario{}
		if err := json.Unmarshal(b, s); err == nil && s.SF == sf {
			s.Dir = dir
			return s, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	s := &scenario{Dir: dir, SF: sf}
	logf("generating %d claims into %s (once; cached)", sf*claimsPerSF, s.gen())
	cfg, err := configs.Default()
	if err != nil {
		return nil, err
	}
	sum, err := gen.Generate(ctx, gen.Options{Out: s.gen(), Claims: sf * claimsPerSF, Seed: 1, Config: cfg})
	if err != nil {
		return nil, err
	}
	s.Expected = sum.ExpectedFindings
	for _, d := range []string{s.base(), s.night(), s.all()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := s.split(sum); err != nil {
		return nil, fmt.Errorf("split %s: %w", s.gen(), err)
	}
	// The plain script reads the zone table beside the inputs.
	zones := "postcode_from,postcode_to,zone\n"
	for _, z := range cfg.Zones {
		zones += fmt.Sprintf("%s,%s,%d\n", z.From, z.To, z.Zone)
	}
	if err := os.WriteFile(filepath.Join(s.all(), "postcode_zones.csv"), []byte(zones), 0o644); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return s, os.WriteFile(ready, b, 0o644)
}

// split moves the tail of some files into night files: the last ~1,500 claims
// (from the last claims batches), and a day's worth (1/365) of the latest
// panel and inverter ledger uploads and status updates. A tail keeps its
// rows' order and is loaded after every base file, so the whole scenario still
// loads to the same current state and its truth file holds.
func (s *scenario) split(sum gen.Summary) error {
	dayOf := map[string]bool{"panel_ledger_2025.csv": true, "panel_ledger_2025_status.csv": true,
		"inverter_ledger_01.csv": true, "inverter_ledger_03_status.csv": true}
	tails := map[string]int{} // file -> rows to move
	for name := range dayOf {
		tails[name] = max(1, sum.Rows[name]/365)
	}
	var claimFiles []string
	for _, f := range sum.Files {
		if strings.HasPrefix(f, "claims_") && strings.HasSuffix(f, ".csv") && !strings.Contains(f, "amend") {
			claimFiles = append(claimFiles, f)
		}
	}
	slices.Reverse(claimFiles)
	need := nightClaims
	for _, f := range claimFiles {
		if need <= 0 {
			break
		}
		n := min(need, sum.Rows[f]-1)
		tails[f] = n
		need -= n
	}
	for _, f := range sum.Files {
		if strings.Contains(f, "/") {
			continue // the truth, in its own folder
		}
		src := filepath.Join(s.gen(), f)
		kind := strings.SplitN(f, "_", 2)[0] // claims, panel, inverter, ...
		isLedger := strings.HasPrefix(f, "panel_ledger") || strings.HasPrefix(f, "inverter_ledger")
		n, ok := tails[f]
		if !ok {
			if err := link(src, s.base(), s.all(), f); err != nil {
				return err
			}
			s.BaseRows += int64(sum.Rows[f])
			if isLedger {
				s.LedgerRows += int64(sum.Rows[f])
			}
			continue
		}
		// Night files sort after every base file of their kind.
		prefix := "claims_"
		for _, p := range []string{"panel_ledger_", "inverter_ledger_"} {
			if strings.HasPrefix(f, p) {
				prefix = p
			}
		}
		nightName := prefix + "zz_night_" + strings.TrimPrefix(f, prefix)
		moved, err := splitTail(src, filepath.Join(s.base(), f), filepath.Join(s.night(), nightName), n, kind == "claims")
		if err != nil {
			return err
		}
		for _, p := range [][2]string{{filepath.Join(s.base(), f), f}, {filepath.Join(s.night(), nightName), nightName}} {
			if err := os.Link(p[0], filepath.Join(s.all(), p[1])); err != nil {
				return err
			}
		}
		s.BaseRows += int64(sum.Rows[f] - moved)
		s.NightRows += int64(moved)
		if isLedger {
			s.LedgerRows += int64(sum.Rows[f] - moved)
		}
		if kind == "claims" {
			s.NightClaim += int64(moved)
		}
	}
	return nil
}

func link(src string, dirs ...string) error {
	name := dirs[len(dirs)-1]
	for _, d := range dirs[:len(dirs)-1] {
		if err := os.Link(src, filepath.Join(d, name)); err != nil {
			return err
		}
	}
	return nil
}

// splitTail writes the header and all but the last n records of src to head,
// and the header and those last n records to tail, byte for byte. For a claims
// file the cut moves up until no claim_id of the tail is also in the head (a
// repeated id is a reject only within one file). It returns the records moved.
func splitTail(src, head, tail string, n int, claims bool) (int, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	hdr, err := r.Read()
	if err != nil {
		return 0, err
	}
	idCol := -1
	for i, h := range hdr {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "claim_id") || strings.EqualFold(h, "Claim ID") {
			idCol = i
		}
	}
	if claims && idCol < 0 {
		return 0, fmt.Errorf("%s: no claim_id column", src)
	}
	starts := []int64{r.InputOffset()} // starts[i]: byte offset where record i begins
	var ids []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", src, err)
		}
		starts = append(starts, r.InputOffset())
		if claims {
			ids = append(ids, rec[idCol])
		}
	}
	records := len(starts) - 1
	cut := max(0, records-n)
	if claims {
		first := map[string]int{}
		for i, id := range ids {
			if _, ok := first[id]; !ok {
				first[id] = i
			}
		}
		for moved := true; moved; {
			moved = false
			for _, id := range ids[cut:] {
				if i := first[id]; i < cut {
					cut, moved = i, true
				}
			}
		}
	}
	if err := copyRanges(f, head, [2]int64{0, starts[cut]}); err != nil {
		return 0, err
	}
	if err := copyRanges(f, tail, [2]int64{0, starts[0]}, [2]int64{starts[cut], starts[records]}); err != nil {
		return 0, err
	}
	return records - cut, nil
}

func copyRanges(src *os.File, dst string, ranges ...[2]int64) error {
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	for _, rg := range ranges {
		if _, err := io.Copy(out, io.NewSectionReader(src, rg[0], rg[1]-rg[0])); err != nil {
			out.Close()
			return err
		}
	}
	return out.Close()
}
