package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/store"
	"stcrecon/reports"
)

const reportUsage = `usage: stcrecon report compliance --from DATE --to DATE --out DIR
       stcrecon report notices --out DIR
`

// runReport runs `report compliance` or `report notices` (data contract §6).
func runReport(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, reportUsage)
		return exitUsage
	}
	switch args[0] {
	case "compliance":
		return runCompliance(ctx, e, args[1:])
	case "notices":
		return runNotices(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "stcrecon report: unknown report %q\n%s", args[0], reportUsage)
	return exitUsage
}

// openExisting opens the store for a command that only reads it: a store that
// does not exist is an error naming the path, never a new empty store.
func (sf *storeFlags) openExisting(ctx context.Context, e *env) (*configs.Config, *store.Store, error) {
	cfg, err := configs.Load(sf.config)
	if err != nil {
		return nil, nil, err
	}
	path := sf.db
	if path == "" {
		path = cfg.DB
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("store %s does not exist: ingest and audit first, or name it with --db", path)
	}
	st, err := store.Open(ctx, path, cfg.MemoryLimit)
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

func runCompliance(ctx context.Context, e *env, args []string) int {
	fs, sf := newFlags("report compliance", e)
	from := fs.String("from", "", "first day of the period, YYYY-MM-DD (claims submitted on or after it)")
	to := fs.String("to", "", "last day of the period, YYYY-MM-DD (claims submitted on or before it)")
	out := fs.String("out", "", "folder for compliance.xlsx and the tables as CSV (required)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" || *from == "" || *to == "" || fs.NArg() > 0 {
		fmt.Fprint(e.stderr, reportUsage)
		return exitUsage
	}
	f, err1 := time.Parse(time.DateOnly, *from)
	t, err2 := time.Parse(time.DateOnly, *to)
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintf(e.stderr, "stcrecon report compliance: --from and --to are dates, YYYY-MM-DD: %v\n", err)
		return exitUsage
	}
	if t.Before(f) {
		fmt.Fprintf(e.stderr, "stcrecon report compliance: --to %s is before --from %s\n", *to, *from)
		return exitUsage
	}
	_, st, err := sf.openExisting(ctx, e)
	if err != nil {
		return fail(e, err)
	}
	files, err := reports.WriteCompliance(ctx, st.DB, f, t, time.Now(), *out)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "compliance report %s to %s: %d claims with a verdict\noutput: %s\n", *from, *to, files.Claims, files.Dir)
	return exitOK
}

func runNotices(ctx context.Context, e *env, args []string) int {
	fs, sf := newFlags("report notices", e)
	out := fs.String("out", "", "new folder for the notices and index.csv (required)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprint(e.stderr, reportUsage)
		return exitUsage
	}
	cfg, st, err := sf.openExisting(ctx, e)
	if err != nil {
		return fail(e, err)
	}
	files, err := reports.WriteNotices(ctx, st.DB, cfg.Notices, time.Now(), *out)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "%d notices\noutput: %s\n", len(files.Folders), files.Dir)
	return exitOK
}
