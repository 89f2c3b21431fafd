-- name: JobRunRecord
-- Records one finished job run. Parameters, in order: job, started_by,
-- scheduled_for, started_at, finished_at, outcome, files_loaded, files_skipped,
-- files_quarantined, files_waiting, rows_loaded, rows_rejected, claims,
-- findings, audit_run_id, output, error, host, pid.
INSERT INTO job_runs
VALUES (nextval('job_run_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING run_id;
