package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"stcrecon/configs"
)

// ErrNoStore is Status's error when the store does not exist.
var ErrNoStore = errors.New("no store")

// JobStatus is one job's schedule and recent runs.
type JobStatus struct {
	Name string
	Spec string    // "" when the config does not schedule it
	Next time.Time // zero when not scheduled
	Runs []Result  // newest first
}

// StatusReport is what `stcrecon status` shows.
type StatusReport struct {
	Store string
	Zone  *time.Location
	// Busy says who holds the store when a run has it open: its runs cannot
	// be read until that run ends.
	Busy error
	Jobs []JobStatus
}

// Status reads each job's latest n runs from the store at db, read-only (it
// never creates or changes the store), and its next scheduled time after now.
// While a run holds the store, the report says so instead of listing runs.
func Status(ctx context.Context, cfg *configs.Config, db string, now time.Time, n int) (*StatusReport, error) {
	if _, err := os.Stat(db); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s", ErrNoStore, db)
		}
		return nil, err
	}
	rep := &StatusReport{Store: db, Zone: cfg.Timezone.Loc}
	for _, name := range configs.JobNames {
		js := JobStatus{Name: name}
		if j, ok := cfg.Jobs.Find(name); ok {
			js.Spec = j.Spec
			js.Next = NewSchedule(j.Schedule, cfg.Timezone.Loc).Next(now)
		}
		rep.Jobs = append(rep.Jobs, js)
	}
	h, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if isDuckDBLock(err) {
		rep.Busy = storeBusyError(db, StoreLockPath(db), err)
		return rep, nil
	}
	if err != nil {
		return nil, fmt.Errorf("status: open %s: %w", db, err)
	}
	defer h.Close()
	var tables int
	err = h.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'job_runs'`).Scan(&tables)
	if isDuckDBLock(err) {
		rep.Busy = storeBusyError(db, StoreLockPath(db), err)
		return rep, nil
	}
	if err != nil {
		return nil, fmt.Errorf("status: open %s: %w", db, err)
	}
	if tables == 0 {
		return rep, nil // a store from before job_runs: no runs yet
	}
	for i := range rep.Jobs {
		if rep.Jobs[i].Runs, err = RecentRuns(ctx, h, rep.Jobs[i].Name, n); err != nil {
			return nil, err
		}
	}
	return rep, h.Close()
}

// Write prints the report: the schedule table, then the recent runs.
func (s *StatusReport) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "store %s; times in %s\n\n", s.Store, s.Zone)
	fmt.Fprintln(tw, "JOB\tSCHEDULE\tNEXT RUN")
	for _, j := range s.Jobs {
		spec, next := "(not scheduled)", "-"
		if j.Spec != "" {
			spec, next = j.Spec, j.Next.In(s.Zone).Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", j.Name, spec, next)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if s.Busy != nil {
		_, err := fmt.Fprintf(w, "\nrecent runs: not readable now: %v\n", s.Busy)
		return err
	}
	var any bool
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nRUN\tJOB\tSTARTED\tTOOK\tBY\tOUTCOME\tFILES\tROWS\tCLAIMS\tFINDINGS\tERROR")
	for _, j := range s.Jobs {
		for _, r := range j.Runs {
			any = true
			errText := "-"
			if r.Err != nil {
				errText = firstLineOf(r.Err.Error(), 120)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.RunID, r.Job,
				r.StartedAt.In(s.Zone).Format("2006-01-02 15:04:05"), r.FinishedAt.Sub(r.StartedAt).Round(100*time.Millisecond),
				r.StartedBy, r.Outcome(), filesText(r), rowsText(r), r.Claims, r.Findings, errText)
		}
	}
	if !any {
		_, err := fmt.Fprintln(w, "\nno job has run yet")
		return err
	}
	return tw.Flush()
}

func filesText(r Result) string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{r.FilesLoaded, "loaded"}, {r.FilesSkipped, "skipped"}, {r.FilesQuarantined, "quarantined"}, {r.FilesWaiting, "waiting"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func rowsText(r Result) string {
	if r.RowsRejected > 0 {
		return fmt.Sprintf("%d (%d rejected)", r.RowsLoaded, r.RowsRejected)
	}
	return fmt.Sprint(r.RowsLoaded)
}

func firstLineOf(s string, max int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}
