package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
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
		st, err := Open(context.Background(), filepath.Join(dir, fmt.Sprintf("bench%d.duckdb", i)), "")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := (&Ingester{Store: st, Log: benchLog()}).Ingest(context.Background(), []string{path})
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
