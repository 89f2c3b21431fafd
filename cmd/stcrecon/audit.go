package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"stcrecon/pipeline/audit"
	"stcrecon/reports"
)

func newAuditCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit --out DIR [--all]",
		Short: "Check the new and amended claims and those whose inputs changed, and write the findings",
		Long: `Check the new and amended claims, and every claim whose inputs changed since
the previous run (every current claim with --all), against the ledgers, the CEC
lists and the supplier list, and write into DIR: findings.csv, claims.csv,
rejects.csv (the rejects of the files loaded since the previous audit; of every
file with --all), changes.csv (the claims whose verdict or findings changed),
audit.xlsx, findings.parquet, claims.parquet and, last, manifest.json. The
files are written into a fresh folder renamed to DIR once complete; a folder
already at DIR is kept beside it as DIR.replaced-TIME. The run is recorded only
once its files are complete: if they cannot be written, the next run audits
its claims again.

The store must exist (ingest creates it): audit never creates one.
stdout has the run's summary: verdicts, STCs at risk, findings per check.`,
		Example: `  stcrecon audit --out reports/2025-03-01
  stcrecon audit --db var/test.duckdb --out out --all`,
		Args: noArgs,
	}
	sf := addStoreFlags(cmd)
	out := cmd.Flags().String("out", "", "write into the folder `DIR` (created if missing; required)")
	all := cmd.Flags().Bool("all", false, "audit every current claim, and list the rejects of every file")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *out == "" {
			return usagef("--out DIR is required: the folder the audit writes into")
		}
		ctx := cmd.Context()
		if err := reports.CheckOutputDir(*out); err != nil {
			return err
		}
		cfg, st, err := sf.open(ctx, existingStore)
		if err != nil {
			return err
		}
		// The files are written inside the run's transaction, which commits
		// only once they are complete: a run whose files could not be
		// written is not recorded, and the next run audits its claims again.
		var files reports.AuditFiles
		run, err := (&audit.Auditor{Store: st, Config: cfg, Log: a.log()}).RunAndPublish(ctx, *all,
			func(ctx context.Context, conn *sql.Conn, run *audit.Run) error {
				a.out.status("audit: writing the files into " + *out)
				var err error
				files, err = reports.WriteAudit(ctx, conn, run, *all, *out)
				return err
			})
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return st.Explain(err)
		}
		a.out.clear()
		a.printAuditSummary(run, files)
		return nil
	}
	return cmd
}

func (a *app) printAuditSummary(run *audit.Run, files reports.AuditFiles) {
	w := a.stdout
	fmt.Fprintf(w, "audit run %d (%s): %s audited in %.1fs\n", run.ID, run.Scope, plural(run.Claims, "claim", "claims"),
		run.FinishedAt.Sub(run.StartedAt).Seconds())
	if run.AllReason != "" {
		fmt.Fprintf(w, "  every current claim audited: %s\n", run.AllReason)
	}
	if run.Scope == "new" {
		fmt.Fprintf(w, "  %s new, %s amended, %s re-audited because their inputs changed%s\n",
			thousands(run.New), thousands(run.Amended), thousands(run.Reaudited), triggers(run))
	}
	fmt.Fprintf(w, "  pass %s, review %s, fail %s\n", thousands(run.Passed), thousands(run.Review), thousands(run.Failed))
	fmt.Fprintf(w, "  %s since the last run%s\n", plural(run.VerdictChanged, "claim changed verdict", "claims changed verdict"), nowCounts(run))
	if run.Changed > 0 {
		fmt.Fprintf(w, "  %s changed verdict or findings: see changes.csv\n", plural(run.Changed, "claim", "claims"))
	}
	fmt.Fprintf(w, "  STCs claimed %s, at risk %s\n", thousands(run.StcsClaimed), thousands(run.StcsAtRisk))
	fmt.Fprintf(w, "  findings %s, by check:\n", thousands(run.Findings))
	// two columns, read down, so the 18 checks take half a screen
	rules := run.Rules()
	half := (len(rules) + 1) / 2
	for i := range half {
		line := fmt.Sprintf("    %-28s %7s", rules[i], thousands(run.ByRule[rules[i]]))
		if j := i + half; j < len(rules) {
			line += fmt.Sprintf("    %-28s %7s", rules[j], thousands(run.ByRule[rules[j]]))
		}
		fmt.Fprintln(w, line)
	}
	var names []string
	for _, f := range append(append([]string{files.Findings, files.Claims, files.Rejects, files.Changes, files.XLSX}, files.Parquet...), files.Manifest) {
		names = append(names, filepath.Base(f))
	}
	fmt.Fprintf(w, "files in %s: %s\n", files.Dir, strings.Join(names, ", "))
	if files.KeptAt != "" {
		fmt.Fprintf(w, "the folder that was there is kept as %s\n", files.KeptAt)
	}
}

// triggers says which inputs made claims be re-audited: " (ledger 12, claims 3)".
func triggers(run *audit.Run) string {
	var parts []string
	for _, t := range []string{"ledger", "claims", "cec", "suppliers", "unmatched"} {
		if n := run.ByTrigger[t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", t, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// nowCounts is ": 9 now fail, 2 now pass", or "" when no verdict changed.
func nowCounts(run *audit.Run) string {
	var parts []string
	for _, c := range []struct {
		n    int64
		what string
	}{{run.NowFail, "fail"}, {run.NowReview, "review"}, {run.NowPass, "pass"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d now %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}
