package main

import (
	"context"
	"fmt"

	"stcrecon/configs"
	"stcrecon/gen"
)

func runGen(ctx context.Context, e *env, args []string) int {
	fs, sf := newFlags("gen", e)
	out := fs.String("out", "", "folder to write the sample files into (required)")
	claims := fs.Int("claims", 1000, "number of claims")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same files")
	extra := fs.Int("extra-panel-serials", 0, "unclaimed panel-ledger serials to add (stock never installed)")
	xlsx := fs.Bool("xlsx", true, "write one claims batch as .xlsx instead of .csv")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" || *claims <= 0 || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: stcrecon gen --out DIR [--claims N] [--seed S] [--extra-panel-serials N]")
		return exitUsage
	}
	cfg, err := configs.Load(sf.config)
	if err != nil {
		return fail(e, err)
	}
	sum, err := gen.Generate(ctx, gen.Options{Out: *out, Claims: *claims, Seed: *seed, ExtraPanelSerials: *extra, Config: cfg, XLSX: *xlsx})
	if err != nil {
		return fail(e, err)
	}
	for _, f := range sum.Files {
		fmt.Fprintf(e.stdout, "wrote %-40s %9d rows\n", f, sum.Rows[f])
	}
	fmt.Fprintf(e.stdout, "%d claims, %d expected findings: %s\n", *claims, sum.ExpectedFindings, *out)
	return exitOK
}
