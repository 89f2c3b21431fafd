// Command stcbench measures stcrecon at a scale factor (make bench SF=N).
//
// It generates a scenario once into a cache folder (SF=1: 50,000 claims, about
// 1.75M panel-ledger rows), cut into a base and one night, then runs each
// phase as its own process of the built binary, so wall time and peak RSS are
// per command:
//
//	ingest base   stcrecon ingest (rows/s)
//	full audit    stcrecon audit --all
//	ingest night  the night's claims, ledger uploads and status updates
//	nightly       stcrecon audit (the night's new claims, against the whole store)
//	verify        stcrecon audit --all, whose findings must equal the generator's truth
//	plain         the same 18 checks as one plain DuckDB SQL script over the
//	              same CSV files (plain.sql, in memory), the floor to compare with
//
// The last line sums it up:
//
//	bench: SF=N ingest R rows/s, full audit T s, nightly T s, peak RSS M MB, ratio to floor X
//
// where the ratio is (ingest base + ingest night + full audit) / plain.
// -plain=false leaves the plain script out (it holds every input in memory);
// -prepare only generates the scenario. Each run keeps the store as it stands
// after "ingest night" (night.duckdb in the scenario's folder);
// -nightly-only measures the nightly audit again on a copy of it (see
// snapshot.go). -runs N runs every phase N times, each run from a fresh
// store, and reports each phase's median and the median of the runs' ratios
// (the host's speed drifts by a third within an hour).
package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"stcrecon/gen"
	"stcrecon/pipeline/ingest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) == 4 && os.Args[1] == "plain" {
		// The child process that runs the plain script (see plain.go).
		if err := runPlain(ctx, os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "stcbench plain:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "stcbench:", err)
		os.Exit(1)
	}
}

// phase is one measured command.
type phase struct {
	name   string
	wall   time.Duration
	cpu    time.Duration // user + system time of the process: less sensitive to a busy machine than wall
	rssMB  float64
	load   string // 1-minute load average when it started
	detail string
}

func run(ctx context.Context) error {
	sf := flag.Int("sf", 1, "scale factor: 50,000 claims each")
	root := flag.String("dir", "var/bench", "cache folder for scenarios and stores")
	bin := flag.String("bin", "bin/stcrecon", "the stcrecon binary to measure")
	verify := flag.Bool("verify", true, "re-audit everything at the end and compare with the generator's truth")
	withPlain := flag.Bool("plain", true, "run the plain script too (the floor the ratio is taken to)")
	logLevel := flag.String("log-level", "info", "the --log-level of the stcrecon runs (debug adds a line per statement of the audit's steps)")
	ledgersAlone := flag.Bool("ledgers", true, "also ingest the base's ledger files alone, into a store of their own (deleted after): the ledger rate with no other kind loading beside them")
	prepare := flag.Bool("prepare", false, "only generate (or find) the cached scenario, then stop")
	config := flag.String("config", "", "pass --config FILE to stcrecon (for example a larger duckdb.memory_limit at SF=50)")
	nightlyOnly := flag.Bool("nightly-only", false, "measure only the nightly audit, on a copy of the store a previous bench kept after ingesting the night (night.duckdb in the scenario's folder)")
	large := flag.Bool("large-files", false, "ingest each of the large files made to test data contract §1 (no input file past 1.5 GB peak RSS) alone, and report its peak RSS: made once into DIR/large (about 3.7 GB); fails if one goes past the bound")
	runs := flag.Int("runs", 1, "run every phase this many times, each run from a fresh store (with -nightly-only: the nightly, each on a fresh copy), and report each phase's median (a shared host's speed drifts by a third from one minute to the next)")
	flag.Parse()
	if *sf < 1 {
		return errors.New("-sf must be at least 1")
	}
	if *runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	// Absolute, since the plain script runs in the scenario's folder.
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		return err
	}
	*root = absRoot
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "stcbench: "+format+"\n", args...) }
	self, err := os.Executable()
	if err != nil {
		return err
	}
	// -v: each command logs its steps' seconds into its log file (run/log/*.log).
	common := []string{"-v", "--log-level", *logLevel}
	if *config != "" {
		common = append(common, "--config", *config)
	}
	stcrecon := func(args ...string) []string { return append(append([]string{*bin}, args...), common...) }
	if *large {
		return benchLargeFiles(ctx, *root, stcrecon, logf)
	}
	t0 := time.Now()
	sc, err := prepareScenario(ctx, *root, *sf, logf)
	if err != nil {
		return err
	}
	logf("scenario %s ready (%.0fs): %d base rows (%d ledger), night: %d rows, %d claims",
		sc.Dir, time.Since(t0).Seconds(), sc.BaseRows, sc.LedgerRows, sc.NightRows, sc.NightClaim)
	if *prepare {
		return nil
	}

	work := filepath.Join(sc.Dir, "run")
	fresh := func() error {
		if err := os.RemoveAll(work); err != nil {
			return err
		}
		return os.MkdirAll(work, 0o755)
	}
	if err := fresh(); err != nil {
		return err
	}
	db := filepath.Join(work, "stcrecon.duckdb")
	logs := filepath.Join(work, "log")
	m := &meter{logs: logs, logf: logf}
	if *nightlyOnly {
		return benchNightlyOnly(ctx, sc, m, db, work, *config, *runs, stcrecon)
	}
	// the ledger-only store in a folder of its own, removed whole after its
	// phase with whatever DuckDB kept beside it
	ledgerDir := filepath.Join(work, "ledgers")
	ledgerDB := filepath.Join(ledgerDir, "stcrecon.duckdb")
	ledgerFiles, err := ledgerFilesOf(sc.base())
	if err != nil {
		return err
	}
	steps := []struct {
		name string
		args []string
		skip bool
	}{
		{"ingest base", stcrecon("ingest", "--db", db, sc.base()), false},
		{"ingest ledgers", stcrecon(append([]string{"ingest", "--db", ledgerDB}, ledgerFiles...)...), !*ledgersAlone},
		{"full audit", stcrecon("audit", "--db", db, "--out", filepath.Join(work, "full"), "--all"), false},
		{"ingest night", stcrecon("ingest", "--db", db, sc.night()), false},
		{"nightly", stcrecon("audit", "--db", db, "--out", filepath.Join(work, "nightly")), false},
		{"verify", stcrecon("audit", "--db", db, "--out", filepath.Join(work, "verify"), "--all"), !*verify},
		{"plain", []string{self, "plain", sc.all(), filepath.Join(work, "plain_findings.csv")}, !*withPlain},
	}
	want, err := findingKeys(filepath.Join(sc.gen(), gen.ExpectedFindingsFile))
	if err != nil {
		return err
	}
	// Each run from a fresh store; with more than one, each phase's figure
	// is its median run's (spread), and the ratio the median of the runs'.
	var all []map[string]phase
	verdict := "not verified"
	for r := 1; r <= *runs; r++ {
		if r > 1 {
			if err := fresh(); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(ledgerDir, 0o755); err != nil {
			return err
		}
		got := map[string]phase{}
		for _, s := range steps {
			if s.skip {
				continue
			}
			p, err := m.measure(ctx, s.name, s.args...)
			if err != nil {
				return err
			}
			got[s.name] = p
			if s.name == "ingest ledgers" {
				if err := os.RemoveAll(ledgerDir); err != nil {
					return err
				}
			}
			if s.name == "ingest night" && r == 1 {
				if err := saveNightStore(db, sc); err != nil {
					return err
				}
			}
		}
		all = append(all, got)
		if *verify {
			have, err := findingKeys(filepath.Join(work, "verify", "findings.csv"))
			if err != nil {
				return err
			}
			missing, extra := diff(have, want)
			if missing+extra > 0 {
				verdict = fmt.Sprintf("FINDINGS DIFFER from the truth in run %d: %d missing, %d extra (of %d)", r, missing, extra, len(want))
				break
			}
			verdict = fmt.Sprintf("findings equal the generator's truth (%d)", len(want))
			if *runs > 1 {
				verdict += fmt.Sprintf(" in each of %d runs", r)
			}
		}
	}
	got := all[0]
	if len(all) > 1 {
		got = medians(all)
		printRuns(all, *withPlain)
	}
	plainLine, ratio := "plain script: not run (-plain=false)", "n/a"
	if *withPlain {
		plain, err := findingKeys(filepath.Join(work, "plain_findings.csv"))
		if err != nil {
			return err
		}
		pm, pe := diff(plain, want)
		plainLine = fmt.Sprintf("plain script: %d findings, %d of the truth missing, %d not in it", len(plain), pm, pe)
	}

	ingest := got["ingest base"].wall + got["ingest night"].wall
	ours := ingest + got["full audit"].wall
	rows := sc.BaseRows + sc.NightRows
	peak := 0.0
	for name, p := range got {
		if name != "plain" && p.rssMB > peak {
			peak = p.rssMB
		}
	}
	if len(all) > 1 {
		fmt.Printf("each phase's median of %d runs:\n", len(all))
	}
	fmt.Printf("%-14s %9s %9s %10s %6s  %s\n", "phase", "wall s", "cpu s", "peak RSS", "load", "")
	for _, s := range steps {
		if p, ok := got[s.name]; ok {
			fmt.Printf("%-14s %9.2f %9.2f %7.0f MB %6s  %s\n", p.name, p.wall.Seconds(), p.cpu.Seconds(), p.rssMB, p.load, p.detail)
		}
	}
	fmt.Printf("rows: %d (%d ledger) base + %d night; night claims: %d\n", sc.BaseRows, sc.LedgerRows, sc.NightRows, sc.NightClaim)
	if n, secs, ckpt, err := ledgerRate(filepath.Join(logs, "ingest_base.log")); err == nil && secs > 0 {
		last := ""
		if len(all) > 1 {
			last = " (the last run's log)"
		}
		fmt.Printf("ledger files%s: %d rows in %.2f s = %.0f rows/s (while one or more ledger files loaded, each from its read to its commit, beside the lane loading the other kinds; the run's closing checkpoint, %.2f s, apart)\n",
			last, n, secs, float64(n)/secs, ckpt)
	}
	if p, ok := got["ingest ledgers"]; ok {
		fmt.Printf("ledger files alone: %d rows in %.2f s = %.0f rows/s (their own ingest into a fresh store, the whole command)\n",
			sc.LedgerRows, p.wall.Seconds(), float64(sc.LedgerRows)/p.wall.Seconds())
	}
	fmt.Printf("verify: %s\n", verdict)
	fmt.Println(plainLine)
	oursCPU := got["ingest base"].cpu + got["ingest night"].cpu + got["full audit"].cpu
	if *withPlain {
		fmt.Printf("ingest + full audit %.2f s (cpu %.2f s); plain script %.2f s (cpu %.2f s): cpu ratio %.2f\n",
			ours.Seconds(), oursCPU.Seconds(), got["plain"].wall.Seconds(), got["plain"].cpu.Seconds(),
			oursCPU.Seconds()/got["plain"].cpu.Seconds())
		ratio = fmt.Sprintf("%.2f", ratioOf(got))
	}
	if len(all) > 1 && *withPlain {
		rs := make([]float64, len(all))
		for i, g := range all {
			rs[i] = ratioOf(g)
		}
		slices.Sort(rs)
		ratio = fmt.Sprintf("%.2f (median of %d runs, %.2f-%.2f)", rs[(len(rs)-1)/2], len(rs), rs[0], rs[len(rs)-1])
	}
	fmt.Printf("bench: SF=%d ingest %.0f rows/s, full audit %.2f s, nightly %.2f s, peak RSS %.0f MB, ratio to floor %s\n",
		sc.SF, float64(rows)/ingest.Seconds(), got["full audit"].wall.Seconds(), got["nightly"].wall.Seconds(),
		peak, ratio)
	if *verify && strings.HasPrefix(verdict, "FINDINGS DIFFER") {
		return errors.New(verdict)
	}
	return nil
}

// ratioOf is a run's (ingest base + ingest night + full audit) / plain, in
// wall time.
func ratioOf(got map[string]phase) float64 {
	ours := got["ingest base"].wall + got["ingest night"].wall + got["full audit"].wall
	return ours.Seconds() / got["plain"].wall.Seconds()
}

// medians is each phase's median run (spread) of runs: the phases' figures
// may come from different runs.
func medians(runs []map[string]phase) map[string]phase {
	out := map[string]phase{}
	for name := range runs[0] {
		var ps []phase
		for _, r := range runs {
			ps = append(ps, r[name])
		}
		_, med, _ := spread(ps)
		out[name] = med
	}
	return out
}

// printRuns prints each run's main figures, one line a run.
func printRuns(runs []map[string]phase, withPlain bool) {
	for i, g := range runs {
		line := fmt.Sprintf("run %d: ingest base %.2f s, full audit %.2f s, ingest night %.2f s, nightly %.2f s",
			i+1, g["ingest base"].wall.Seconds(), g["full audit"].wall.Seconds(), g["ingest night"].wall.Seconds(), g["nightly"].wall.Seconds())
		if withPlain {
			line += fmt.Sprintf(", plain %.2f s: ratio %.2f", g["plain"].wall.Seconds(), ratioOf(g))
		}
		fmt.Println(line)
	}
}

// ledgerFilesOf lists the ledger files of the folder dir, as ingest reads a
// folder (ingest.Expand: in name order).
func ledgerFilesOf(dir string) ([]string, error) {
	files, _, err := ingest.Expand([]string{dir})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if kind, ok := ingest.KindOf(filepath.Base(f)); ok && (kind == ingest.PanelLedger || kind == ingest.InverterLedger) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no ledger files", dir)
	}
	return out, nil
}

// ledgerRate reads an ingest log (the "ingest: file loaded" lines -v writes):
// the rows of the ledger files, the seconds during which one or more of them
// was loading, and the closing checkpoint's seconds. A file loads from the
// time of its line less its seconds to that time; the ledger files of two
// kinds may load side by side, in the two lanes, so their seconds are the
// union of those spans, not their sum.
func ledgerRate(logPath string) (rows int64, seconds, checkpoint float64, err error) {
	b, err := os.ReadFile(logPath)
	if err != nil {
		return 0, 0, 0, err
	}
	type span struct{ from, to float64 }
	var spans []span
	for _, line := range strings.Split(string(b), "\n") {
		f := logFields(line)
		switch f["msg"] {
		case "ingest: file loaded":
			if !strings.HasSuffix(f["kind"], "_ledger") {
				continue
			}
			at, err := time.Parse(time.RFC3339Nano, f["time"])
			if err != nil {
				return 0, 0, 0, fmt.Errorf("%s: %w", logPath, err)
			}
			n, _ := strconv.ParseInt(f["rows"], 10, 64)
			s, _ := strconv.ParseFloat(f["seconds"], 64)
			to := float64(at.UnixNano()) / 1e9
			rows += n
			spans = append(spans, span{to - s, to})
		case "ingest: checkpoint":
			checkpoint, _ = strconv.ParseFloat(f["seconds"], 64)
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	end := math.Inf(-1)
	for _, sp := range spans {
		if sp.from > end {
			end = sp.from
		}
		if sp.to > end {
			seconds += sp.to - end
			end = sp.to
		}
	}
	return rows, seconds, checkpoint, nil
}

// logFields splits a slog text line into its key=value pairs (values may be
// quoted).
func logFields(line string) map[string]string {
	f := map[string]string{}
	for line != "" {
		eq := strings.IndexByte(line, '=')
		if eq < 0 {
			break
		}
		key, rest := strings.TrimSpace(line[:eq]), line[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			if v, err := strconv.QuotedPrefix(rest); err == nil {
				val, _ = strconv.Unquote(v)
				rest = rest[len(v):]
			}
		} else if sp := strings.IndexByte(rest, ' '); sp >= 0 {
			val, rest = rest[:sp], rest[sp:]
		} else {
			val, rest = rest, ""
		}
		f[key] = val
		line = strings.TrimLeft(rest, " ")
	}
	return f
}

// meter runs commands one at a time and measures each.
type meter struct {
	logs string
	logf func(string, ...any)
}

// measure runs one command as a child process: its wall time, and its peak
// RSS from the kernel's accounting of that process (wait4 rusage). Exit 3
// (done, some rows rejected) counts as success.
func (m *meter) measure(ctx context.Context, name string, args ...string) (phase, error) {
	if err := os.MkdirAll(m.logs, 0o755); err != nil {
		return phase{}, err
	}
	logPath := filepath.Join(m.logs, strings.ReplaceAll(name, " ", "_")+".log")
	out, err := os.Create(logPath)
	if err != nil {
		return phase{}, err
	}
	defer out.Close()
	p := phase{name: name, load: loadAvg()}
	m.logf("%s: %s (load %s)", name, strings.Join(args, " "), p.load)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err = cmd.Run()
	p.wall = time.Since(start)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		err, p.detail = nil, "(some rows rejected, as generated)"
	}
	if err != nil {
		return p, fmt.Errorf("%s: %w (see %s)", name, err, logPath)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.rssMB = float64(ru.Maxrss) / 1024 // Linux reports KiB
		p.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	m.logf("%s: %.2f s (cpu %.2f s), peak RSS %.0f MB", name, p.wall.Seconds(), p.cpu.Seconds(), p.rssMB)
	return p, nil
}

// loadAvg is the 1-minute load average, as uptime shows it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// findingKeys reads a findings CSV (header claim_id, component,
// serial_number, rule, ...) as a multiset of claim|component|serial|rule.
// The detail is left out: the truth words it differently.
func findingKeys(path string) (map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	keys := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return keys, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(rec) < 4 {
			return nil, fmt.Errorf("%s: short row %q", path, rec)
		}
		keys[strings.Join(rec[:4], "|")]++
	}
}

// diff counts the keys want has that got lacks, and the other way round.
func diff(got, want map[string]int) (missing, extra int) {
	for k, n := range want {
		missing += max(0, n-got[k])
	}
	for k, n := range got {
		extra += max(0, n-want[k])
	}
	return missing, extra
}
