package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"stcrecon/pipeline/audit"
	"stcrecon/reports"
)

// nightlyAuditJob loads the inbox, then audits the claims not yet audited and
// writes the audit's files into reports/audit/DATE/ (a fresh folder per run:
// DATE.2, DATE.3... when the day already has one), through the same function
// the audit command uses.
func nightlyAuditJob(ctx context.Context, run *runEnv) error {
	if err := run.ingestInbox(ctx); err != nil {
		return err
	}
	dir, err := freshDir(filepath.Join(run.r.Config.Folders.Reports, "audit"), run.start.Format(time.DateOnly))
	if err != nil {
		return err
	}
	a := &audit.Auditor{Store: run.store, Config: run.r.Config, Log: run.log, Now: run.r.Now}
	// The files are written inside the run's transaction: a run whose files
	// could not be written is not recorded, and the next run audits again.
	var files reports.AuditFiles
	ar, err := a.RunAndPublish(ctx, false, func(ctx context.Context, conn *sql.Conn, ar *audit.Run) error {
		var err error
		files, err = reports.WriteAudit(ctx, conn, ar, false, dir)
		return err
	})
	if err != nil {
		return err
	}
	run.res.AuditRunID, run.res.Claims, run.res.Findings = ar.ID, ar.Claims, ar.Findings
	run.res.Output = files.Dir
	return nil
}

// monthlyComplianceJob writes last calendar month's compliance report (the
// claims submitted in it, in the configured zone) into a fresh
// reports/compliance/YYYY-MM/, through the function `report compliance` uses.
func monthlyComplianceJob(ctx context.Context, run *runEnv) error {
	from, to := lastMonth(run.start)
	dir, err := freshDir(filepath.Join(run.r.Config.Folders.Reports, "compliance"), from.Format("2006-01"))
	if err != nil {
		return err
	}
	files, err := reports.WriteCompliance(ctx, run.store.DB, run.r.Config.Names, from, to, run.r.now(), dir)
	if err != nil {
		return err
	}
	run.res.Claims, run.res.Output = files.Claims, files.Dir
	return nil
}

// weeklyNoticesJob writes the suppliers' notices into a fresh
// reports/notices/DATE/, through the function `report notices` uses.
func weeklyNoticesJob(ctx context.Context, run *runEnv) error {
	dir, err := freshDir(filepath.Join(run.r.Config.Folders.Reports, "notices"), run.start.Format(time.DateOnly))
	if err != nil {
		return err
	}
	files, err := reports.WriteNotices(ctx, run.store.DB, run.r.Config.Names, run.r.Config.Notices, run.r.now(), dir)
	if err != nil {
		return err
	}
	run.res.Output = files.Dir
	run.log.Info("notices written", "notices", len(files.Folders), "dir", files.Dir)
	return nil
}

// lastMonth is the first and last day of the calendar month before t's, in
// t's zone.
func lastMonth(t time.Time) (from, to time.Time) {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1)
}

// freshDir returns parent/name, or parent/name.2, name.3... the first that
// does not exist yet. The folder itself is left to the report writer.
func freshDir(parent, name string) (string, error) {
	for n := 1; n < 10000; n++ {
		dir := filepath.Join(parent, name)
		if n > 1 {
			dir += "." + strconv.Itoa(n)
		}
		if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
			return dir, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: no free folder name for %s", parent, name)
}
