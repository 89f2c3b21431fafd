package audit

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
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
	const claims, ledger = 100_000, 5_000_000
	ctx := context.Background()
	dir := b.TempDir()
	cfg := mustConfig(b)
	// Top the ledger up to 5M serials with stock never installed: generate,
	// count the panel-ledger rows, and add the shortfall (twice at most).
	inbox := filepath.Join(dir, "inbox")
	extra := 0
	for try := 0; try < 3; try++ {
		os.RemoveAll(inbox)
		sum, err := gen.Generate(ctx, gen.Options{Out: inbox, Claims: claims, Seed: 1, Config: cfg, ExtraPanelSerials: extra})
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
