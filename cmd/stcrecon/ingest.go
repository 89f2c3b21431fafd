package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"stcrecon/pipeline/ingest"
)

func newIngestCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "Load files, or every recognised file in a folder, into the store",
		Long: `Load files into the store, creating it if needed. A folder loads every .csv and
.xlsx file in it, in name order; the name must start with a kind, in any case
(panel_ledger, inverter_ledger, cec_modules, cec_inverters, suppliers, claims),
or the file is rejected whole. Other entries of a folder are listed on stderr
as ignored.

Each file loads whole or not at all, in one transaction (small claims files in
a row share one). A file whose content was loaded before is skipped. Bad rows
are rejected and kept in the store; a file that cannot be read as its kind is
rejected whole. Rejects are printed on stderr, once each, as
file:line:col: column: reason (value "...").

stdout has a table of rows loaded per kind, and a line for each file that was
skipped or rejected whole (a line for every file with --verbose); the rejected
rows follow on stderr, each naming its file.

Exit status 3 means the files were loaded but some rows or files were rejected;
a path that does not exist is a failure (exit 1).`,
		Example: `  stcrecon ingest inbox/
  stcrecon ingest --db var/test.duckdb claims_2025_03.csv panel_ledger_acme.xlsx`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("name at least one file or folder to load, for example 'stcrecon ingest inbox/'")
			}
			return nil
		},
	}
	sf := addStoreFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, paths []string) error {
		ctx := cmd.Context()
		var missing []string
		for _, p := range paths {
			if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("no such file or folder: %s (nothing was loaded)", strings.Join(missing, ", "))
		}
		files, ignored, err := ingest.Expand(paths)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			for _, r := range ignored {
				fmt.Fprintf(a.stderr, "%s: ignored: %v\n", r.Path, r.Err)
			}
			fmt.Fprintf(a.stdout, "nothing to load: no .csv or .xlsx file in %s\n", strings.Join(paths, ", "))
			return nil
		}
		a.out.total = int64(len(files))
		cfg, st, err := sf.open(ctx, createStore)
		if err != nil {
			return err
		}
		in := ingest.New(st, a.log(), cfg.Ingest)
		results, err := in.Ingest(ctx, paths)
		a.out.clear()
		a.printIngest(results)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return st.Explain(err)
		}
		for _, r := range results {
			if r.Status == ingest.Rejected || r.Rejected > 0 {
				return errRejected
			}
		}
		return nil
	}
	return cmd
}

// printIngest writes the rows loaded per kind and the files worth a look on
// stdout, then every rejected file or row, once, on stderr.
func (a *app) printIngest(results []ingest.FileResult) {
	type tally struct{ files, rows, rejected int64 }
	byKind := map[ingest.Kind]*tally{}
	var total tally
	var skipped, rejectedWhole int64
	var notes, rejects []string
	for _, r := range results {
		if r.Status == ingest.Ignored {
			fmt.Fprintf(a.stderr, "%s: ignored: %v\n", r.Path, r.Err)
			continue
		}
		name := filepath.Base(r.Path)
		t := byKind[r.Kind]
		if t == nil && r.Kind != "" {
			t = &tally{}
			byKind[r.Kind] = t
		}
		if t == nil {
			t = &tally{}
		}
		t.files++
		total.files++
		switch r.Status {
		case ingest.Loaded:
			t.rows += r.Rows
			t.rejected += r.Rejected
			total.rows += r.Rows
			total.rejected += r.Rejected
			if a.logs.verbose {
				notes = append(notes, fmt.Sprintf("%s\tloaded %s, %s rejected", name, plural(r.Rows, "row", "rows"), thousands(r.Rejected)))
			}
			for _, rj := range r.Rejects {
				rejects = append(rejects, rj.String())
			}
			if more := r.Rejected - int64(len(r.Rejects)); more > 0 {
				rejects = append(rejects, fmt.Sprintf("%s: %s more: see rejects.csv of the next audit", name, plural(more, "rejected row", "rejected rows")))
			}
		case ingest.Skipped:
			skipped++
			notes = append(notes, fmt.Sprintf("%s\tskipped: %v", name, r.Err))
		case ingest.Rejected:
			rejectedWhole++
			notes = append(notes, fmt.Sprintf("%s\tREJECTED whole", name))
			rejects = append(rejects, r.Err.Error())
		}
	}
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	const row = "%-16s %6s %12s %14s\n"
	fmt.Fprintf(a.stdout, row, "kind", "files", "rows loaded", "rows rejected")
	for _, k := range kinds {
		t := byKind[ingest.Kind(k)]
		fmt.Fprintf(a.stdout, row, k, thousands(t.files), thousands(t.rows), thousands(t.rejected))
	}
	fmt.Fprintf(a.stdout, row, "total", thousands(total.files), thousands(total.rows), thousands(total.rejected))
	if skipped > 0 {
		fmt.Fprintf(a.stdout, "%s skipped: same content loaded before\n", plural(skipped, "file", "files"))
	}
	if rejectedWhole > 0 {
		fmt.Fprintf(a.stdout, "%s rejected whole: see stderr\n", plural(rejectedWhole, "file", "files"))
	}
	if len(notes) > 0 {
		writeTable(a.stdout, notes)
	}
	for _, r := range rejects {
		fmt.Fprintln(a.stderr, r)
	}
}

// writeTable aligns tab-separated lines in columns.
func writeTable(w io.Writer, lines []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, l := range lines {
		fmt.Fprintln(tw, "  "+l)
	}
	tw.Flush()
}
