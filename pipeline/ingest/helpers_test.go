package ingest

import (
	"context"
	"syscall"
	"testing"
	"time"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

func newIngester(st *store.Store) *Ingester {
	return &Ingester{Store: st, Now: func() time.Time { return storetest.Now }}
}

// ingest loads the paths and fails the test on a program error.
func ingest(tb testing.TB, st *store.Store, paths ...string) []FileResult {
	tb.Helper()
	res, err := newIngester(st).Ingest(context.Background(), paths)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// peakRSSMB is the process's peak resident memory so far, DuckDB's included.
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}
