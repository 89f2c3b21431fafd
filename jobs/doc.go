// Package jobs runs stcrecon unattended (data contract §7): the configured
// jobs (ingest, nightly-audit, monthly-compliance, weekly-notices) on their
// cron schedules in the configured zone, the inbox → archive/quarantine
// handling, the run history kept in the store's job_runs table, catch-up
// after downtime, and the lock file that keeps a second writer off the store.
//
// A Runner runs one job at a time per name (a run that finds its job still
// running is skipped and logged) and one store user at a time per process;
// each run opens the store, does its work, records itself in job_runs and
// closes the store, so between runs other processes (status, reports, an
// ad-hoc ingest) can open it. Serve drives a Runner from robfig/cron.
//
// Schedules are computed here, not by robfig/cron: a Schedule maps the spec's
// wall-clock times into the zone so that a daylight-saving change neither
// skips nor doubles a run, and gives the latest scheduled time before now,
// which catch-up compares with the last successful run.
package jobs
