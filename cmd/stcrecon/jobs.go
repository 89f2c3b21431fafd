package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"stcrecon/configs"
	"stcrecon/jobs"
)

// runStoreWait is how long `run JOB` waits for a store another process holds
// (a status read, say) before it gives up and names the holder.
var runStoreWait = 5 * time.Second

func newRunCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run JOB",
		Short: "Run one job now: " + strings.Join(configs.JobNames, ", "),
		Long: `Run one job now, through the same code as serve, and record the run in the
store (stcrecon status shows it). The jobs:

  ingest              load the settled files of the inbox; a loaded file moves to
                      archive/DATE/, a file rejected whole to quarantine/ with
                      NAME.error.txt beside it; files modified less than
                      settle_seconds ago, or named *.part, wait for the next run
  nightly-audit       ingest, then audit the claims not yet audited into a fresh
                      reports/audit/DATE/
  monthly-compliance  last calendar month's compliance report (the claims
                      submitted in it) into a fresh reports/compliance/YYYY-MM/
  weekly-notices      the suppliers' notices into a fresh reports/notices/DATE/

Folders, time zone and schedules come from the config. stdout has what the run
did. Exit status 3 means it ran but rejected some files or rows.`,
		Example: `  stcrecon run nightly-audit
  stcrecon run ingest --config /etc/stcrecon/stcrecon.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("name one job to run: %s", strings.Join(configs.JobNames, ", "))
			}
			for _, j := range configs.JobNames {
				if args[0] == j {
					return nil
				}
			}
			return usagef("unknown job %q: the jobs are %s", args[0], strings.Join(configs.JobNames, ", "))
		},
	}
	sf := addStoreFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := sf.load()
		if err != nil {
			return err
		}
		r := jobs.NewRunner(cfg, sf.path(cfg), a.log(), "stcrecon run "+args[0])
		r.StoreWait = runStoreWait
		res, err := r.Run(cmd.Context(), args[0], jobs.ByHand, time.Time{})
		if res != nil {
			a.out.clear()
			printRun(a, res, cfg)
		}
		switch {
		case err != nil:
			return err
		case res.Outcome() == jobs.OutcomeRejects:
			return errRejected
		}
		return nil
	}
	return cmd
}

func printRun(a *app, res *jobs.Result, cfg *configs.Config) {
	w := a.stdout
	id := "not recorded"
	if res.RunID != 0 {
		id = fmt.Sprintf("run %d", res.RunID)
	}
	fmt.Fprintf(w, "%s (%s): %s in %.1fs\n", res.Job, id, res.Outcome(), res.FinishedAt.Sub(res.StartedAt).Seconds())
	if res.Job == "ingest" || res.Job == "nightly-audit" {
		fmt.Fprintf(w, "  files: %d loaded, %d already loaded, %d quarantined, %d left in the inbox (still being written)\n",
			res.FilesLoaded, res.FilesSkipped, res.FilesQuarantined, res.FilesWaiting)
		fmt.Fprintf(w, "  rows: %s loaded, %s rejected\n", thousands(res.RowsLoaded), thousands(res.RowsRejected))
	}
	if res.AuditRunID != 0 {
		fmt.Fprintf(w, "  audit run %d: %s, %s\n", res.AuditRunID, plural(res.Claims, "claim", "claims"),
			plural(res.Findings, "finding", "findings"))
	}
	if res.Job == "monthly-compliance" && res.Err == nil {
		fmt.Fprintf(w, "  %s submitted in the period, with a verdict\n", plural(res.Claims, "claim", "claims"))
	}
	if res.Output != "" {
		fmt.Fprintf(w, "  output: %s\n", res.Output)
	}
	if res.FilesQuarantined > 0 {
		fmt.Fprintf(a.out, "%s: %s rejected whole: the reasons are in %s/*.error.txt\n", res.Job,
			plural(int64(res.FilesQuarantined), "file", "files"), cfg.Folders.Quarantine)
	}
	if res.RowsRejected > 0 {
		where := "the next audit's rejects.csv"
		if res.Output != "" {
			where = filepath.Join(res.Output, "rejects.csv")
		}
		fmt.Fprintf(a.out, "%s: %s rejected: listed in %s/DATE/*.rejects.txt and in %s\n", res.Job,
			plural(res.RowsRejected, "row", "rows"), cfg.Folders.Archive, where)
	}
}

func newServeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the configured jobs on their schedules until stopped",
		Long: `Run the jobs of the config on their cron schedules, in the config's time zone,
until SIGINT or SIGTERM. Then no new run starts, and serve waits up to
serve.stop_timeout for the running one.

At start, a job whose last successful run is older than its latest scheduled
time runs once (catch-up after downtime). A job never overlaps itself: a run
due while the previous one is still going is skipped and logged. Every run is
recorded in the store (stcrecon status) and logged as one line with its counts;
a failed run calls serve.on_failure. A second serve on the same store is
refused.

Each run opens the store and closes it when done, so between runs other
commands (status, reports, an ad-hoc ingest) can use it. Logs go to stderr,
at info level unless --log-level says otherwise.`,
		Example: `  stcrecon serve
  stcrecon serve --config /etc/stcrecon/stcrecon.yaml --log-format json`,
		Args:        noArgs,
		Annotations: map[string]string{defaultLogLevel: "info"},
	}
	sf := addStoreFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := sf.load()
		if err != nil {
			return err
		}
		r := jobs.NewRunner(cfg, sf.path(cfg), a.log(), "stcrecon serve")
		r.StoreWait = cfg.Serve.StoreWait
		return r.Serve(cmd.Context())
	}
	return cmd
}

func newStatusCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status [--runs N]",
		Short: "Show each job's recent runs and next scheduled time",
		Long: `Show each job's schedule and next run time (in the config's time zone), and its
recent runs from the store: start, duration, what started it, outcome, files,
rows, claims, findings and error.

status only reads: it never creates or changes the store, and works while serve
waits between runs. While a run has the store open, it says who holds it.`,
		Example: `  stcrecon status
  stcrecon status --runs 20`,
		Args: noArgs,
	}
	sf := addStoreFlags(cmd)
	n := cmd.Flags().Int("runs", 5, "show the latest `N` runs of each job")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *n < 1 {
			return usagef("--runs %d: show at least one run", *n)
		}
		cfg, err := sf.load()
		if err != nil {
			return err
		}
		rep, err := jobs.Status(cmd.Context(), cfg, sf.path(cfg), time.Now(), *n)
		if err != nil {
			if errors.Is(err, jobs.ErrNoStore) {
				err = fmt.Errorf("%w: ingest files or run a job to create one, or name an existing store with --db FILE", err)
			}
			return err
		}
		return rep.Write(a.stdout)
	}
	return cmd
}
