-- name: JobLastSuccess
-- When the job's latest successful run started (a run that loaded files but
-- rejected some rows or files counts: it did its job). NULL if none. $1: the job.
SELECT max(started_at) FROM job_runs WHERE job = ? AND outcome IN ('ok', 'rejects');
