-- name: JobRunsRecent
-- The latest runs of one job, newest first. $1: the job, $2: how many.
SELECT run_id, job, started_by, scheduled_for, started_at, finished_at, outcome,
       files_loaded, files_skipped, files_quarantined, files_waiting,
       rows_loaded, rows_rejected, claims, findings, audit_run_id,
       coalesce(output, ''), coalesce(error, '')
FROM job_runs
WHERE job = ?
ORDER BY started_at DESC, run_id DESC
LIMIT ?;
