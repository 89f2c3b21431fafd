package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// recordRun writes res into job_runs and returns its run id.
func recordRun(ctx context.Context, st *store.Store, res *Result) (int64, error) {
	var slot, errText, output, auditID any
	if !res.ScheduledFor.IsZero() {
		slot = res.ScheduledFor.UTC()
	}
	if res.Err != nil {
		errText = res.Err.Error()
	}
	if res.Output != "" {
		output = res.Output
	}
	if res.AuditRunID != 0 {
		auditID = res.AuditRunID
	}
	host, pid := hostPID()
	var id int64
	err := st.DB.QueryRowContext(ctx, queries.MustGet("jobs/record.sql"),
		res.Job, string(res.StartedBy), slot, res.StartedAt.UTC(), res.FinishedAt.UTC(), res.Outcome(),
		res.FilesLoaded, res.FilesSkipped, res.FilesQuarantined, res.FilesWaiting,
		res.RowsLoaded, res.RowsRejected, res.Claims, res.Findings, auditID, output, errText, host, pid).Scan(&id)
	return id, err
}

// lastSuccess is when job's latest successful run started; zero if none.
func lastSuccess(ctx context.Context, db *sql.DB, job string) (time.Time, error) {
	var t sql.NullTime
	if err := db.QueryRowContext(ctx, queries.MustGet("jobs/last_success.sql"), job).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("job_runs: %w", err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	return t.Time, nil
}

// RecentRuns returns job's latest n runs, newest first.
func RecentRuns(ctx context.Context, db *sql.DB, job string, n int) ([]Result, error) {
	rows, err := db.QueryContext(ctx, queries.MustGet("jobs/recent.sql"), job, n)
	if err != nil {
		return nil, fmt.Errorf("job_runs: %w", err)
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var r Result
		var by, outcome, errText string
		var slot sql.NullTime
		var auditID sql.NullInt64
		if err := rows.Scan(&r.RunID, &r.Job, &by, &slot, &r.StartedAt, &r.FinishedAt, &outcome,
			&r.FilesLoaded, &r.FilesSkipped, &r.FilesQuarantined, &r.FilesWaiting,
			&r.RowsLoaded, &r.RowsRejected, &r.Claims, &r.Findings, &auditID, &r.Output, &errText); err != nil {
			return nil, fmt.Errorf("job_runs: %w", err)
		}
		r.StartedBy = Trigger(by)
		r.ScheduledFor = slot.Time
		r.AuditRunID = auditID.Int64
		if errText != "" {
			r.Err = recordedError(errText)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// recordedError is a run's error as job_runs holds it.
type recordedError string

func (e recordedError) Error() string { return string(e) }
