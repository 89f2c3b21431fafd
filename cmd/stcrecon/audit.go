package main

import (
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
		Short: "Check the claims not yet audited and write the findings",
		Long: `Check every claim not yet audited (every current claim with --all) against the
ledgers, the CEC lists and the supplier list, record the run in the store, and
write into DIR: findings.csv, claims.csv, rejects.csv (the rejects of the files
loaded since the previous audit; of every file with --all) and audit.xlsx.

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
		cfg, st, err := sf.open(ctx, existingStore)
		if err != nil {
			return err
		}
		run, err := (&audit.Auditor{Store: st, Config: cfg, Log: a.log()}).Run(ctx, *all)
		var files reports.AuditFiles
		if err == nil {
			a.out.status("audit: writing the files into " + *out)
			files, err = reports.WriteAudit(ctx, st.DB, run, *all, *out)
		}
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
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
	fmt.Fprintf(w, "  pass %s, review %s, fail %s\n", thousands(run.Passed), thousands(run.Review), thousands(run.Failed))
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
	for _, f := range append([]string{files.Findings, files.Claims, files.Rejects, files.XLSX}, files.Parquet...) {
		names = append(names, filepath.Base(f))
	}
	fmt.Fprintf(w, "files in %s: %s\n", files.Dir, strings.Join(names, ", "))
}
