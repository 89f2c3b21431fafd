package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"stcrecon/gen"
)

func newGenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gen --out DIR [--claims N] [--seed S]",
		Short: "Write sample data of all six kinds, with faults at known rates",
		Long: `Write sample input files of all six kinds into DIR, with faults at known rates,
and the truth about them in DIR/truth: expected_findings.csv (what an audit --all
must find) and expected_rejects.csv (what ingest must reject); ingesting DIR lists
truth/ as ignored. The same options and seed
write byte-identical files. One claims batch is a workbook (.xlsx) unless
--csv-only is given.

stdout has one line with the totals; --verbose adds a line per file.`,
		Example: `  stcrecon gen --out var/demo/inbox
  stcrecon gen --out /tmp/big --claims 100000 --seed 7 --csv-only`,
		Args: noArgs,
	}
	cf := addConfigFlag(cmd)
	out := cmd.Flags().String("out", "", "write into the folder `DIR` (created if missing; required)")
	claims := cmd.Flags().Int("claims", 1000, "write `N` claims (systems), at least 1")
	seed := cmd.Flags().Uint64("seed", 1, "random seed `S`: the same seed writes the same files")
	extra := cmd.Flags().Int("extra-panel-serials", 0, "add `N` unclaimed panel-ledger serials, stock never installed (0: a tenth of the claimed panels)")
	csvOnly := cmd.Flags().Bool("csv-only", false, "write every file as CSV (by default one claims batch is .xlsx)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		switch {
		case *out == "":
			return usagef("--out DIR is required: the folder the sample files are written into")
		case *claims <= 0:
			return usagef("--claims %d: give at least 1 claim, for example --claims 1000", *claims)
		case *extra < 0:
			return usagef("--extra-panel-serials %d: give 0 or more", *extra)
		}
		cfg, err := cf.load()
		if err != nil {
			return err
		}
		sum, err := gen.Generate(cmd.Context(), gen.Options{Out: *out, Claims: *claims, Seed: *seed,
			ExtraPanelSerials: *extra, Config: cfg, XLSX: !*csvOnly})
		if err != nil {
			return err
		}
		var rows int64
		for _, f := range sum.Files {
			rows += int64(sum.Rows[f])
			if a.logs.verbose {
				fmt.Fprintf(a.stdout, "  wrote %-40s %9s rows\n", f, thousands(int64(sum.Rows[f])))
			}
		}
		fmt.Fprintf(a.stdout, "gen: %s (%s) in %s: %s, %s expected findings\n",
			plural(int64(len(sum.Files)), "file", "files"), plural(rows, "row", "rows"), *out,
			plural(int64(*claims), "claim", "claims"), thousands(int64(sum.ExpectedFindings)))
		return nil
	}
	return cmd
}
