package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"stcrecon/configs"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/store"
)

// Exit statuses (data contract §5).
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitRejected = 3 // done, but some rows or files were rejected
)

const usage = `usage: stcrecon COMMAND [flags]

commands:
  ingest PATH...                 load files, or every recognised file in a folder
  audit --out DIR [--all]        check the claims not yet audited and write findings
  stc --postcode P --kw K --installed DATE [--years N]
                                 the STC calculator, step by step
  gen --out DIR [--claims N] [--seed S]
                                 write sample data with its expected findings

every command takes --db FILE and --config FILE.
`

// commands maps each command name to the function that runs it.
var commands = map[string]func(ctx context.Context, e *env, args []string) int{
	"ingest": runIngest,
	"audit":  runAudit,
	"stc":    runSTC,
	"gen":    runGen,
}

// env is what every command gets: its streams and a logger on stderr.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
}

// run is the whole program; main only turns its result into the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	runCmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stcrecon: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	e := &env{stdout: stdout, stderr: stderr, log: slog.New(slog.NewTextHandler(stderr, nil))}
	return runCmd(ctx, e, args[1:])
}

// storeFlags are the flags every command shares.
type storeFlags struct {
	db, config string
}

func newFlags(name string, e *env) (*flag.FlagSet, *storeFlags) {
	fs := flag.NewFlagSet("stcrecon "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	sf := &storeFlags{}
	fs.StringVar(&sf.db, "db", "", "DuckDB store file (default: the config's db, else var/stcrecon.duckdb)")
	fs.StringVar(&sf.config, "config", configs.DefaultPath, "config file")
	return fs, sf
}

// parse parses flags; ok is false with the exit status to return.
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

// open loads the config and opens the store.
func (sf *storeFlags) open(ctx context.Context, e *env) (*configs.Config, *store.Store, error) {
	cfg, err := configs.Load(sf.config)
	if err != nil {
		return nil, nil, err
	}
	path := sf.db
	if path == "" {
		path = cfg.DB
	}
	st, err := store.OpenWith(ctx, path, store.Settings{
		MemoryLimit: cfg.DuckDB.MemoryLimit, Threads: cfg.DuckDB.Threads, TempDirectory: cfg.DuckDB.TempDirectory})
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

func fail(e *env, err error) int {
	fmt.Fprintf(e.stderr, "stcrecon: %v\n", err)
	return exitFailed
}

func runIngest(ctx context.Context, e *env, args []string) int {
	fs, sf := newFlags("ingest", e)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "stcrecon ingest: name at least one file or folder")
		return exitUsage
	}
	cfg, st, err := sf.open(ctx, e)
	if err != nil {
		return fail(e, err)
	}
	in := &ingest.Ingester{Store: st, Log: e.log, ProgressEvery: cfg.Ingest.ProgressEveryRows}
	results, err := in.Ingest(ctx, fs.Args())
	printIngestSummary(e, results)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(e, err)
	}
	for _, r := range results {
		if r.Status == ingest.Rejected || r.Rejected > 0 {
			return exitRejected
		}
	}
	return exitOK
}

// printIngestSummary writes what happened to each file on stdout, and every
// rejected file or row, as file:line:col: message, on stderr.
func printIngestSummary(e *env, results []ingest.FileResult) {
	rowsByKind := map[ingest.Kind]int64{}
	var loaded, skipped, rejected int
	var rowsRejected int64
	for _, r := range results {
		switch r.Status {
		case ingest.Loaded:
			loaded++
			rowsByKind[r.Kind] += r.Rows
			rowsRejected += r.Rejected
			fmt.Fprintf(e.stdout, "loaded    %-40s %-16s %9d rows, %d rejected\n", shortName(r.Path), r.Kind, r.Rows, r.Rejected)
			for _, rj := range r.Rejects {
				fmt.Fprintln(e.stderr, rj.String())
			}
			if int64(len(r.Rejects)) < r.Rejected {
				fmt.Fprintf(e.stderr, "%s: %d more rejected rows: see rejects.csv of the next audit\n", shortName(r.Path), r.Rejected-int64(len(r.Rejects)))
			}
		case ingest.Skipped:
			skipped++
			fmt.Fprintf(e.stdout, "skipped   %-40s %s\n", shortName(r.Path), r.Err)
		case ingest.Rejected:
			rejected++
			fmt.Fprintf(e.stdout, "REJECTED  %-40s the whole file: see stderr\n", shortName(r.Path))
			fmt.Fprintln(e.stderr, r.Err)
		}
	}
	fmt.Fprintf(e.stdout, "\n%d files: %d loaded, %d skipped (already loaded), %d rejected whole; %d rows rejected\n",
		len(results), loaded, skipped, rejected, rowsRejected)
	var kinds []string
	for k, n := range rowsByKind {
		kinds = append(kinds, fmt.Sprintf("  %-16s %9d rows loaded", k, n))
	}
	sort.Strings(kinds)
	if len(kinds) > 0 {
		fmt.Fprintln(e.stdout, strings.Join(kinds, "\n"))
	}
}

func shortName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
