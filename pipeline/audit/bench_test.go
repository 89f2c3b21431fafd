package audit

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"stcrecon/gen"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/store"
)

// peakRSSMB is the process's peak resident memory so far, DuckDB's included.
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

// writePanelLedger writes n panel-ledger rows in the layout real uploads use,
// with a few awkward cells (spacing, case, AU dates).
func writePanelLedger(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "supplier name,licensee/certificate holder,model number,serial number,upload_date,status,reason\r\n")
	brands := []string{"Jinko Solar", "Trina Solar", "  LONGi  Solar", "Canadian Solar", "REC", "Q CELLS"}
	for i := 0; i < n; i++ {
		date := "2025-06-15"
		if i%7 == 0 {
			date = "15/06/2025"
		}
		fmt.Fprintf(w, "Supplier %d Pty Ltd,%s,MOD-%d,sn%010d ,%s,valid,\r\n", i%40, brands[i%len(brands)], 400+i%6*10, i, date)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// BenchmarkIngestPanelLedger1M loads one 1,000,000-row panel-ledger CSV into a
// DuckDB file: rows/s and the process's peak resident memory.
func BenchmarkIngestPanelLedger1M(b *testing.B) {
	const rows = 1_000_000
	dir := b.TempDir()
	path := filepath.Join(dir, "panel_ledger_bench.csv")
	writePanelLedger(b, path, rows)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("bench%d.duckdb", i)), "")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := (&ingest.Ingester{Store: st, Log: benchLog()}).Ingest(context.Background(), []string{path})
		if err != nil || res[0].Rows != rows {
			b.Fatalf("%v %+v", err, res)
		}
		b.ReportMetric(rows/time.Since(start).Seconds(), "rows/s")
		st.Close()
	}
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// benchLog logs each statement's time when STCRECON_DEBUG is set.
func benchLog() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("STCRECON_DEBUG") != "" {
		level = slog.LevelDebug
		slog.SetLogLoggerLevel(slog.LevelDebug)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// BenchmarkAudit100kClaims5MSerials audits 100,000 generated claims (about
// 2M claimed serials) against a panel ledger of 5M serials. Generation and
// ingest are set-up; only the audit is timed.
func BenchmarkAudit100kClaims5MSerials(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	cfg := mustConfig(b)
	inbox := benchInbox(b, filepath.Join(dir, "inbox"), 100_000, 5_000_000)
	st, err := store.Open(ctx, filepath.Join(dir, "bench.duckdb"), "")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := (&ingest.Ingester{Store: st}).Ingest(ctx, []string{inbox}); err != nil {
		b.Fatal(err)
	}
	var serials int64
	st.DB.QueryRow("SELECT count(*) FROM panel_ledger").Scan(&serials)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		run, err := (&Auditor{Store: st, Config: cfg, Log: benchLog()}).Run(ctx, true)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "audit-s")
		b.ReportMetric(float64(run.Claims), "claims")
	}
	b.ReportMetric(float64(serials), "ledger-serials")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// benchInbox generates claims claims into dir and tops the panel ledger up to
// ledger serials with stock never installed: generate, count the panel-ledger
// rows, and add the shortfall (twice at most).
func benchInbox(b *testing.B, inbox string, claims, ledger int) string {
	b.Helper()
	extra := 0
	for try := 0; try < 3; try++ {
		os.RemoveAll(inbox)
		sum, err := gen.Generate(context.Background(), gen.Options{Out: inbox, Claims: claims, Seed: 1, Config: mustConfig(b), ExtraPanelSerials: extra})
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for name, n := range sum.Rows {
			if strings.HasPrefix(name, "panel_ledger") {
				rows += n
			}
		}
		if rows >= ledger {
			break
		}
		if extra == 0 {
			extra = rows / 10 // gen's default stock, which an explicit number replaces
		}
		extra += ledger - rows
	}
	return inbox
}

// cutNight moves one night off a generated inbox: the last nightClaims claim
// rows (the latest claims), the last ledgerRows rows of the 2025 panel and
// inverter uploads (a day's uploads), and every status update. The rest is
// the base, loaded before the night.
func cutNight(b *testing.B, inbox, base, night string, nightClaims, ledgerRows int) {
	b.Helper()
	for _, d := range []string{base, night} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	entries, err := os.ReadDir(inbox)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".csv") {
			names = append(names, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names))) // latest claims files first
	claimsLeft := nightClaims
	for _, name := range names {
		header, rows := readRecords(b, filepath.Join(inbox, name))
		cut := 0 // rows from the end that go to the night
		switch {
		case strings.Contains(name, "status"):
			cut = len(rows)
		case strings.HasPrefix(name, "claims") && !strings.Contains(name, "amend"):
			cut = min(claimsLeft, len(rows))
			claimsLeft -= cut
		case name == "panel_ledger_2025.csv" || name == "inverter_ledger_01.csv":
			cut = min(ledgerRows, len(rows))
		}
		if keep := rows[:len(rows)-cut]; len(keep) > 0 {
			writeRecords(b, filepath.Join(base, name), header, keep)
		}
		if cut > 0 {
			writeRecords(b, filepath.Join(night, name), header, rows[len(rows)-cut:])
		}
	}
}

// BenchmarkNightlyAudit100kClaims5MSerials is the nightly run of contract §4
// against a big store: 100,000 claims and 5M panel-ledger serials are loaded
// and audited in full; then one night brings 1,500 new claims, a day's ledger
// uploads (20,000 panel and 2,000 inverter rows) and the status updates, and
// the nightly audit runs. Reported: the full audit's and the nightly's
// seconds, and what the nightly re-audited.
func BenchmarkNightlyAudit100kClaims5MSerials(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	cfg := mustConfig(b)
	inbox := benchInbox(b, filepath.Join(dir, "inbox"), 100_000, 5_000_000)
	base, night := filepath.Join(dir, "base"), filepath.Join(dir, "night")
	cutNight(b, inbox, base, night, 1_500, 20_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("bench%d.duckdb", i)), "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := (&ingest.Ingester{Store: st}).Ingest(ctx, []string{base}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		full, err := (&Auditor{Store: st, Config: cfg, Log: benchLog()}).Run(ctx, true)
		if err != nil {
			b.Fatal(err)
		}
		fullS := time.Since(start).Seconds()
		b.StopTimer()
		if _, err := (&ingest.Ingester{Store: st}).Ingest(ctx, []string{night}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start = time.Now()
		run, err := (&Auditor{Store: st, Config: cfg, Log: benchLog()}).Run(ctx, false)
		if err != nil {
			b.Fatal(err)
		}
		nightlyS := time.Since(start).Seconds()
		b.ReportMetric(fullS, "full-audit-s")
		b.ReportMetric(float64(full.Claims), "full-claims")
		b.ReportMetric(nightlyS, "nightly-s")
		b.ReportMetric(float64(run.Claims), "nightly-claims")
		b.ReportMetric(float64(run.New+run.Amended), "nightly-new")
		b.ReportMetric(float64(run.Reaudited), "nightly-reaudited")
		b.Logf("nightly run: %d new, %d amended, %d re-audited %v (all because %q)", run.New, run.Amended, run.Reaudited, run.ByTrigger, run.AllReason)
		b.StopTimer()
		st.Close()
	}
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}
