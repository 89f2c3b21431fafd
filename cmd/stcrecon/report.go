package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"stcrecon/reports"
)

// The workbooks name the stcrecon that wrote them.
func init() { reports.Version = version() }

// newReportCmd is `report compliance` and `report notices` (data contract §6).
func newReportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the regulator's period report or the suppliers' notices",
		Long: `Reports read the latest verdict of each claim from the store (never a stale
one) and write files; they never change the store, and never create one.`,
		Args: unknownCommand,
		RunE: func(*cobra.Command, []string) error {
			return usagef("name the report: compliance or notices")
		},
	}
	cmd.AddCommand(newComplianceCmd(a), newNoticesCmd(a))
	return cmd
}

func newComplianceCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compliance --from DATE --to DATE --out DIR",
		Short: "The regulator's report of the claims submitted in a period",
		Long: `Write the compliance report of the claims submitted from --from to --to (both
days included), each with its current verdict, into DIR: compliance.xlsx (a
summary sheet with charts, then a sheet per table) and each table as CSV:
summary.csv, by_rule.csv, by_month.csv, by_state.csv, by_brand.csv,
by_supplier.csv, coverage.csv and coverage_by_month.csv. Every table adds up to
the summary.`,
		Example: `  stcrecon report compliance --from 2025-01-01 --to 2025-03-31 --out reports/2025-Q1`,
		Args:    noArgs,
	}
	sf := addStoreFlags(cmd)
	from := cmd.Flags().String("from", "", "the period's first `DATE`, YYYY-MM-DD (required)")
	to := cmd.Flags().String("to", "", "the period's last `DATE`, YYYY-MM-DD (required)")
	out := cmd.Flags().String("out", "", "write into the folder `DIR` (created if missing; required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *out == "" || *from == "" || *to == "" {
			return usagef("--from DATE, --to DATE and --out DIR are required")
		}
		f, err := time.Parse(time.DateOnly, *from)
		if err != nil {
			return usagef("--from %q is not a date: use YYYY-MM-DD", *from)
		}
		t, err := time.Parse(time.DateOnly, *to)
		if err != nil {
			return usagef("--to %q is not a date: use YYYY-MM-DD", *to)
		}
		if t.Before(f) {
			return usagef("--to %s is before --from %s", *to, *from)
		}
		ctx := cmd.Context()
		cfg, st, err := sf.open(ctx, existingStore)
		if err != nil {
			return err
		}
		files, err := reports.WriteCompliance(ctx, st.DB, cfg.Names, f, t, time.Now(), *out)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return st.Explain(err)
		}
		a.out.clear()
		fmt.Fprintf(a.stdout, "compliance report %s to %s: %s with a verdict\nfiles in %s: compliance.xlsx and %d CSV tables\n",
			*from, *to, plural(files.Claims, "claim", "claims"), files.Dir, len(files.CSV))
		return nil
	}
	return cmd
}

func newNoticesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notices --out DIR",
		Short: "One non-compliance notice per supplier with something to answer for",
		Long: `Write into the new folder DIR one folder per supplier with something to answer
for (unauthorised uploads, claimed serials missing from the ledger for a brand it
was authorised to supply, late uploads): the letter notice.html, from the
template the config names under notices (response_days, sender, template),
evidence.csv and evidence.xlsx; and DIR/index.csv of all notices. DIR must not
exist or be empty.`,
		Example: `  stcrecon report notices --out reports/notices/2025-03-03`,
		Args:    noArgs,
	}
	sf := addStoreFlags(cmd)
	out := cmd.Flags().String("out", "", "write into the new folder `DIR` (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *out == "" {
			return usagef("--out DIR is required: the new folder the notices go into")
		}
		ctx := cmd.Context()
		cfg, st, err := sf.open(ctx, existingStore)
		if err != nil {
			return err
		}
		files, err := reports.WriteNotices(ctx, st.DB, cfg.Names, cfg.Notices, time.Now(), *out)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return st.Explain(err)
		}
		a.out.clear()
		fmt.Fprintf(a.stdout, "%s\nfiles in %s: index.csv and a folder per notice\n",
			plural(int64(len(files.Folders)), "notice", "notices"), files.Dir)
		return nil
	}
	return cmd
}
