package main

import (
	"context"
	"fmt"

	"stcrecon/pipeline/audit"
	"stcrecon/reports"
)

func runAudit(ctx context.Context, e *env, args []string) int {
	fs, sf := newFlags("audit", e)
	out := fs.String("out", "", "folder for findings.csv, claims.csv, rejects.csv and audit.xlsx (required)")
	all := fs.Bool("all", false, "audit every current claim, not only those not yet audited; rejects of every file")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: stcrecon audit --out DIR [--all]")
		return exitUsage
	}
	cfg, st, err := sf.open(ctx, e)
	if err != nil {
		return fail(e, err)
	}
	run, err := (&audit.Auditor{Store: st, Config: cfg, Log: e.log}).Run(ctx, *all)
	var files reports.AuditFiles
	if err == nil {
		files, err = reports.WriteAudit(ctx, st.DB, run, *all, *out)
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(e, err)
	}
	printAuditSummary(e, run, files)
	return exitOK
}

func printAuditSummary(e *env, run *audit.Run, files reports.AuditFiles) {
	w := e.stdout
	fmt.Fprintf(w, "audit run %d (%s): %d claims audited in %.1fs\n", run.ID, run.Scope, run.Claims,
		run.FinishedAt.Sub(run.StartedAt).Seconds())
	fmt.Fprintf(w, "  pass %d, review %d, fail %d\n", run.Passed, run.Review, run.Failed)
	fmt.Fprintf(w, "  STCs claimed %d, at risk %d\n", run.StcsClaimed, run.StcsAtRisk)
	fmt.Fprintf(w, "  findings %d\n", run.Findings)
	for _, r := range run.Rules() {
		fmt.Fprintf(w, "    %-30s %8d\n", r, run.ByRule[r])
	}
	fmt.Fprintf(w, "output: %s\n", files.Dir)
}
