package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/store"
	"stcrecon/reports"
)

// The night store is the store as it stands after "ingest night", before the
// nightly audit: every later run of the bench keeps a copy of it in the
// scenario's folder, so -nightly-only can measure the nightly audit again
// without the ingest and the full audit before it (at SF=50 they take about
// half an hour; the nightly, the figure issue 13 sets a target for, takes
// seconds).
const nightStoreName = "night.duckdb"

func (sc *scenario) nightStore() string { return filepath.Join(sc.Dir, nightStoreName) }

// saveNightStore copies the run's store (closed: every phase is its own
// process) to the scenario's night store, through a temporary file renamed
// into place, so a half-written copy is never taken for one.
func saveNightStore(db string, sc *scenario) error {
	if err := copyFile(db, sc.nightStore()); err != nil {
		return fmt.Errorf("keep the night store: %w", err)
	}
	return nil
}

// prepareNightOnly copies the night store to db, migrates it to this binary's
// schema, and gives the store's last audit run this binary's fingerprint, as
// on a night when neither the SQL nor the checks' configuration changed since
// the previous run (otherwise the nightly audits every claim: by design, after
// an upgrade). It returns the migration's seconds, which the nightly's figure
// leaves out: a migration runs once per upgrade, not every night.
func prepareNightOnly(ctx context.Context, sc *scenario, db, configPath string) (migrate time.Duration, err error) {
	if _, err := os.Stat(sc.nightStore()); err != nil {
		return 0, fmt.Errorf("-nightly-only needs %s: run the bench once without it first (%w)", sc.nightStore(), err)
	}
	if err := copyFile(sc.nightStore(), db); err != nil {
		return 0, err
	}
	cfg, err := configs.Default()
	if configPath != "" {
		cfg, err = configs.Load(configPath)
	}
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	st, err := store.OpenWith(ctx, db, store.Settings{MemoryLimit: cfg.DuckDB.MemoryLimit, Threads: cfg.DuckDB.Threads})
	if err != nil {
		return 0, err
	}
	migrate = time.Since(t0)
	if err := setLastFingerprint(ctx, st, cfg); err != nil {
		st.Close()
		return 0, err
	}
	if err := st.Close(); err != nil {
		return 0, err
	}
	// what the migration wrote goes to disk now, not during the nightly
	return migrate, syncFile(db)
}

// syncFile waits until what was written to path is on disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func setLastFingerprint(ctx context.Context, st *store.Store, cfg *configs.Config) error {
	version, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fp, err := audit.Fingerprint(cfg, version)
	if err != nil {
		return err
	}
	if _, err := st.DB.ExecContext(ctx, `UPDATE audit_runs SET config_sha256 = ? WHERE run_id = (SELECT max(run_id) FROM audit_runs)`, fp); err != nil {
		return fmt.Errorf("set the last run's fingerprint: %w", err)
	}
	return nil
}

// copyFile copies from to to, through reports.WriteFileAtomic, and waits until
// the copy is on disk. Without the wait the kernel writes the copy back (2.3 GB
// of dirty pages at SF=50) about 30 s later, in the middle of the phase
// measured next, which no night in the field has to share its disk with.
// (With the wait, the SF=50 nightly still moves from run to run: 10.4-12.1 s
// in four runs, against 11.3-14.8 s in four without.)
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	return reports.WriteFileAtomic(to, func(out *os.File) error {
		if _, err := io.Copy(out, in); err != nil {
			return err
		}
		return out.Sync()
	})
}

// benchNightlyOnly measures the nightly audit alone (-nightly-only), on a copy
// of the night store, runs times: each run copies and migrates the store
// afresh, logs into nightly_N.log and writes its folder over the last one's.
// The last line gives the median run (the lower middle of an even count).
func benchNightlyOnly(ctx context.Context, sc *scenario, m *meter, db, work, configPath string, runs int, stcrecon func(...string) []string) error {
	var got []phase
	var migrate time.Duration
	for i := 1; i <= runs; i++ {
		mig, err := prepareNightOnly(ctx, sc, db, configPath)
		if err != nil {
			return err
		}
		migrate = max(migrate, mig)
		m.logf("night store copied and migrated (%.1f s, left out of the nightly's figure)", mig.Seconds())
		name := "nightly"
		if runs > 1 {
			name = fmt.Sprintf("nightly %d", i)
		}
		p, err := m.measure(ctx, name, stcrecon("audit", "--db", db, "--out", filepath.Join(work, "nightly"))...)
		if err != nil {
			return err
		}
		got = append(got, p)
	}
	fmt.Printf("%-13s %9s %9s %10s %6s\n", "phase", "wall s", "cpu s", "peak RSS", "load")
	for _, p := range got {
		fmt.Printf("%-13s %9.2f %9.2f %7.0f MB %6s\n", p.name, p.wall.Seconds(), p.cpu.Seconds(), p.rssMB, p.load)
	}
	lo, med, hi := spread(got)
	of := ""
	if runs > 1 {
		of = fmt.Sprintf(" (median of %d runs, %.2f-%.2f s)", runs, lo.wall.Seconds(), hi.wall.Seconds())
	}
	fmt.Printf("bench: SF=%d nightly %.2f s (cpu %.2f s)%s, peak RSS %.0f MB, from the night store (migration %.1f s apart)\n",
		sc.SF, med.wall.Seconds(), med.cpu.Seconds(), of, med.rssMB, migrate.Seconds())
	return nil
}

// spread gives the fastest run, the run of median wall time (of an even
// count, the lower of the middle two) and the slowest.
func spread(runs []phase) (fastest, median, slowest phase) {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b phase) int { return cmp.Compare(a.wall, b.wall) })
	return sorted[0], sorted[(len(sorted)-1)/2], sorted[len(sorted)-1]
}
