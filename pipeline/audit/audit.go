package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/names"
	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// Run is what one audit run did.
type Run struct {
	ID          int64
	Scope       string // "new" (the nightly run) or "all"
	StartedAt   time.Time
	FinishedAt  time.Time
	LastFileID  int64 // the newest file the run saw
	PrevFileID  int64 // the newest file the previous run saw (rejects after it are this run's)
	PrevRunID   int64 // the previous run (0: none)
	Claims      int64
	Passed      int64
	Review      int64
	Failed      int64
	Findings    int64
	StcsClaimed int64
	StcsAtRisk  int64
	ByRule      map[string]int64
	// Names made the keys the run compared names by; its reports compare by
	// the same (nil: no aliases or suffixes).
	Names *names.Keyer

	// Why the run audited what it did.
	AllReason string // why every claim was audited ("" for a nightly run that was not)
	New       int64  // claims no run had audited
	Amended   int64  // new versions of audited claims
	Reaudited int64  // claims audited before whose inputs changed (all of them when AllReason is set)
	ByTrigger map[string]int64

	// What changed since each claim's previous audit (changes.csv).
	Changed        int64 // claims whose verdict or findings changed
	VerdictChanged int64 // of those, claims whose status changed
	NowFail        int64 // ... and is now fail
	NowReview      int64
	NowPass        int64

	ConfigSHA256 string // Fingerprint of the configuration and checks used
}

// Publish writes a run's outputs before the run counts. conn is the
// connection the run's transaction is open on: queries through it see the
// run's findings, results and changes, which no other connection sees yet.
// The run is recorded only if Publish returns nil; an error (or a crash)
// leaves the store as if the run had not happened, and the next run audits
// its claims again.
type Publish func(ctx context.Context, conn *sql.Conn, run *Run) error

// Auditor runs the checks of the data contract §3 over the store.
type Auditor struct {
	Store  *store.Store
	Config *configs.Config
	Log    *slog.Logger
	Now    func() time.Time
}

func (a *Auditor) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// changedSQL are the files that find the claims whose inputs changed since the
// previous run, one kind of input each, in order. Each runs only when a file of
// one of its kinds was loaded since the previous run: with none, it would find
// nothing.
var changedSQL = []struct {
	file  string
	kinds []string
}{
	{"audit/changed_ledger.sql", []string{"panel_ledger", "inverter_ledger"}},
	{"audit/changed_claims.sql", []string{"claims"}},
	{"audit/changed_cec.sql", []string{"cec_modules", "cec_inverters"}},
	{"audit/changed_suppliers.sql", []string{"suppliers"}},
	{"audit/changed_listings.sql", []string{"panel_ledger", "inverter_ledger", "claims", "suppliers"}},
	{"audit/changed_unmatched.sql", []string{"panel_ledger", "inverter_ledger", "claims"}},
}

// Run audits and records the run, with no output files; see RunAndPublish.
func (a *Auditor) Run(ctx context.Context, all bool) (*Run, error) {
	return a.RunAndPublish(ctx, all, nil)
}

// RunAndPublish audits the current version of every claim when all is set;
// else (the nightly run) the new and amended claims and every claim whose
// inputs changed since the previous run (data contract §4). Findings, claim
// results, changes and the run record are written in one transaction, which
// commits only after publish (when not nil) has written the run's files: a run
// whose files could not be written is not recorded, and the next run audits
// its claims again.
func (a *Auditor) RunAndPublish(ctx context.Context, all bool, publish Publish) (*Run, error) {
	run, err := a.run(ctx, all, publish)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return run, nil
}

func (a *Auditor) run(ctx context.Context, all bool, publish Publish) (*Run, error) {
	conn, err := a.Store.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	began := startWatch()
	run := &Run{Scope: "new", StartedAt: a.now(), ByRule: map[string]int64{}, ByTrigger: map[string]int64{}, Names: a.Config.Names}
	if all {
		run.Scope = "all"
		run.AllReason = "--all"
	}
	if err := LoadConfigTables(ctx, conn, a.Config); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	schemaVersion, err := a.Store.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if run.ConfigSHA256, err = Fingerprint(a.Config, schemaVersion); err != nil {
		return nil, err
	}
	w := startWatch()
	nNames, err := LoadNameKeys(ctx, conn, a.Config.Names)
	if err != nil {
		return nil, err
	}
	a.log().Info("audit: step", "sql", "audit/names.sql", "names", nNames, "seconds", w.seconds(), "cpu_seconds", w.cpuSeconds())
	// The step tables go once the run is recorded or abandoned, after publish
	// has read them; deferred before the rollback, so it runs after it.
	defer a.dropStepTables(ctx, conn)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var filesSeen int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(file_id), 0), count(*) FROM files`).Scan(&run.LastFileID, &filesSeen); err != nil {
		return nil, err
	}
	if err := a.previous(ctx, tx, run); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT nextval('audit_run_seq')`).Scan(&run.ID); err != nil {
		return nil, err
	}
	// The claims in scope, their STC arithmetic, and their ledger matches.
	if err := store.ExecFile(ctx, tx, "audit/scope_params.sql", run.AllReason != "", run.PrevFileID); err != nil {
		return nil, err
	}
	if err := a.step("audit/known_names.sql", func() error { return store.ExecFile(ctx, tx, "audit/known_names.sql") }); err != nil {
		return nil, err
	}
	if run.AllReason == "" {
		newKinds, err := kindsSince(ctx, tx, run.PrevFileID)
		if err != nil {
			return nil, err
		}
		for _, c := range changedSQL {
			if !slices.ContainsFunc(c.kinds, func(k string) bool { return newKinds[k] }) {
				a.log().Info("audit: step skipped: no new file of its kinds", "sql", c.file, "kinds", c.kinds)
				continue
			}
			do := func() error { return a.execStatements(ctx, tx, c.file) }
			if c.file == "audit/changed_listings.sql" {
				do = func() error { return a.changedListings(ctx, tx) }
			}
			if err := a.step(c.file, do); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range []string{"audit/scope.sql", "audit/stc.sql", "audit/claims.sql", "audit/keys.sql", "audit/matches.sql", "audit/duplicates.sql", "audit/triage.sql", "audit/listings_done.sql"} {
		do := func() error { return a.execStatements(ctx, tx, f) }
		if f == "audit/claims.sql" {
			do = func() error { return a.claimsInScope(ctx, tx, run) }
		}
		if err := a.step(f, do); err != nil {
			return nil, err
		}
	}
	if err := a.countScope(ctx, tx, run); err != nil {
		return nil, err
	}
	a.log().Info("audit: claims in scope", "run", run.ID, "scope", run.Scope, "all_because", run.AllReason,
		"new", run.New, "amended", run.Amended, "reaudited", run.Reaudited, "seconds", began.seconds(), "cpu_seconds", began.cpuSeconds())
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE run_findings (
		claim_id VARCHAR, component VARCHAR, serial_number VARCHAR, rule VARCHAR, severity VARCHAR, detail VARCHAR)`); err != nil {
		return nil, err
	}
	for _, rule := range queries.Checks() {
		q, err := queries.Check(rule)
		if err != nil {
			return nil, err
		}
		w := startWatch()
		res, err := tx.ExecContext(ctx, "INSERT INTO run_findings "+q)
		if err != nil {
			return nil, fmt.Errorf("sql/checks/%s.sql: %w", rule, err)
		}
		n, _ := res.RowsAffected()
		a.log().Info("audit: check", "rule", rule, "findings", n, "seconds", w.seconds(), "cpu_seconds", w.cpuSeconds())
	}
	for _, f := range []string{"audit/results.sql", "audit/changes.sql"} {
		if err := a.step(f, func() error { return store.ExecFile(ctx, tx, f, run.ID) }); err != nil {
			return nil, err
		}
	}
	run.FinishedAt = a.now()
	if err := a.count(ctx, tx, run); err != nil {
		return nil, err
	}
	cfgJSON, err := json.Marshal(a.Config.STC)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_runs (run_id, started_at, finished_at, scope, last_file_id,
			claims, passed, review, failed, findings, config, config_sha256, files_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.ID, run.StartedAt, run.FinishedAt, run.Scope, run.LastFileID, run.Claims, run.Passed, run.Review, run.Failed,
		run.Findings, string(cfgJSON), run.ConfigSHA256, filesSeen); err != nil {
		return nil, err
	}
	if publish != nil {
		w := startWatch()
		if err := publish(ctx, conn, run); err != nil {
			return nil, fmt.Errorf("run %d not recorded; the next run audits its claims again: %w", run.ID, err)
		}
		a.log().Info("audit: files written", "run", run.ID, "seconds", w.seconds(), "cpu_seconds", w.cpuSeconds())
	}
	w = startWatch()
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("run %d not recorded (its files may be in place; the next run audits its claims again): %w", run.ID, err)
	}
	a.log().Info("audit: run recorded", "run", run.ID, "commit_seconds", w.seconds(), "commit_cpu_seconds", w.cpuSeconds())
	return run, nil
}

// dropStepTables drops the temp tables of the run's steps
// (sql/audit/cleanup.sql): the connection returns to the pool and would
// otherwise hold them. It runs when the run's transaction has ended, committed
// or not, so a failure is only logged.
func (a *Auditor) dropStepTables(ctx context.Context, conn *sql.Conn) {
	if err := a.step("audit/cleanup.sql", func() error {
		return store.ExecFile(context.WithoutCancel(ctx), conn, "audit/cleanup.sql")
	}); err != nil {
		a.log().Warn("audit: dropping the step tables", "err", err)
	}
}

// step runs one step of the run (do, the statements of file) and logs its
// line: the file, its wall and the process's CPU seconds.
func (a *Auditor) step(file string, do func() error) error {
	w := startWatch()
	if err := do(); err != nil {
		return err
	}
	a.log().Info("audit: step", "sql", file, "seconds", w.seconds(), "cpu_seconds", w.cpuSeconds())
	return nil
}

// execStatements runs the statements of one file of the audit's steps
// (store.ExecFileEach) and logs each statement's seconds at Debug, named by
// its "-- name:" line, to see which statement of a step costs what.
func (a *Auditor) execStatements(ctx context.Context, tx *sql.Tx, file string) error {
	if !a.log().Enabled(ctx, slog.LevelDebug) {
		return store.ExecFile(ctx, tx, file)
	}
	return store.ExecFileEach(ctx, tx, file, func(stmt string, exec func() error) error {
		w := startWatch()
		if err := exec(); err != nil {
			return err
		}
		a.log().Debug("audit: statement", "sql", file, "name", queries.StatementName(stmt),
			"seconds", w.seconds(), "cpu_seconds", w.cpuSeconds())
		return nil
	})
}

// previous reads what the previous run saw and decides whether this nightly
// run must audit every claim: no run yet, a different configuration or checks,
// or a file that became visible below the previous run's mark.
func (a *Auditor) previous(ctx context.Context, tx *sql.Tx, run *Run) error {
	var (
		prevID, prevLast int64
		prevSeen         sql.NullInt64
		prevSHA          sql.NullString
	)
	err := tx.QueryRowContext(ctx, `SELECT run_id, last_file_id, files_seen, config_sha256
		FROM audit_runs ORDER BY run_id DESC LIMIT 1`).Scan(&prevID, &prevLast, &prevSeen, &prevSHA)
	if errors.Is(err, sql.ErrNoRows) {
		if run.AllReason == "" {
			run.AllReason = "first run"
		}
		return nil
	}
	if err != nil {
		return err
	}
	run.PrevRunID, run.PrevFileID = prevID, prevLast
	if run.AllReason != "" {
		return nil
	}
	if !prevSHA.Valid || prevSHA.String != run.ConfigSHA256 {
		run.AllReason = fmt.Sprintf("the configuration or the checks changed since run %d", prevID)
		return nil
	}
	var seenNow int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE file_id <= ?`, prevLast).Scan(&seenNow); err != nil {
		return err
	}
	if !prevSeen.Valid || seenNow != prevSeen.Int64 {
		run.AllReason = fmt.Sprintf("files were loaded below run %d's mark after it ran", prevID)
	}
	return nil
}

// kindsSince is the set of file kinds with a file loaded after file id since.
func kindsSince(ctx context.Context, tx *sql.Tx, since int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT kind FROM files WHERE file_id > ? AND kind IS NOT NULL`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kinds := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		kinds[k] = true
	}
	return kinds, rows.Err()
}

// countScope puts how many claims are in scope, and why, on run.
func (a *Auditor) countScope(ctx context.Context, tx *sql.Tx, run *Run) error {
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE reason = 'new'), count(*) FILTER (WHERE reason = 'amended'),
			count(*) FILTER (WHERE reason IN ('inputs', 'all')) FROM audit_scope`).Scan(&run.New, &run.Amended, &run.Reaudited); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT trigger, count(DISTINCT claim_id) FROM changed_claims GROUP BY trigger`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			return err
		}
		run.ByTrigger[t] = n
	}
	return rows.Err()
}

// count puts the run's totals on run: verdicts, findings by rule, changes.
func (a *Auditor) count(ctx context.Context, tx *sql.Tx, run *Run) error {
	if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'pass'), count(*) FILTER (WHERE status = 'review'),
			count(*) FILTER (WHERE status = 'fail'), coalesce(sum(stcs_claimed), 0), coalesce(sum(stcs_at_risk), 0)
		FROM claim_results WHERE run_id = ?`, run.ID).
		Scan(&run.Claims, &run.Passed, &run.Review, &run.Failed, &run.StcsClaimed, &run.StcsAtRisk); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE status <> previous_status),
			count(*) FILTER (WHERE status <> previous_status AND status = 'fail'),
			count(*) FILTER (WHERE status <> previous_status AND status = 'review'),
			count(*) FILTER (WHERE status <> previous_status AND status = 'pass')
		FROM claim_changes WHERE run_id = ?`, run.ID).
		Scan(&run.Changed, &run.VerdictChanged, &run.NowFail, &run.NowReview, &run.NowPass); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT rule, count(*) FROM findings WHERE run_id = ? GROUP BY rule`, run.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rule string
		var n int64
		if err := rows.Scan(&rule, &n); err != nil {
			return err
		}
		run.ByRule[rule] = n
		run.Findings += n
	}
	return rows.Err()
}

// Rules returns the rule ids in the order reports list them.
func (r *Run) Rules() []string {
	var out []string
	for k := range r.ByRule {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (a *Auditor) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.New(slog.DiscardHandler)
}

// LoadConfigTables puts the configuration the SQL needs into temp tables of
// the connection: cfg_zones, cfg_ratings, cfg_deeming, cfg_choices, cfg_params.
func LoadConfigTables(ctx context.Context, conn *sql.Conn, cfg *configs.Config) error {
	stmts := []string{
		`CREATE OR REPLACE TEMP TABLE cfg_zones (postcode_from VARCHAR, postcode_to VARCHAR, zone INTEGER)`,
		`CREATE OR REPLACE TEMP TABLE cfg_ratings (zone INTEGER, rating DECIMAL(9, 3))`,
		`CREATE OR REPLACE TEMP TABLE cfg_deeming (from_year INTEGER, to_year INTEGER, max_years INTEGER, last_year INTEGER)`,
		`CREATE OR REPLACE TEMP TABLE cfg_choices (years INTEGER)`,
		`CREATE OR REPLACE TEMP TABLE cfg_params (small_scale_limit_kw DECIMAL(12, 3), claim_window_months INTEGER)`,
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	for _, z := range cfg.Zones {
		if _, err := conn.ExecContext(ctx, `INSERT INTO cfg_zones VALUES (?, ?, ?)`, z.From, z.To, z.Zone); err != nil {
			return err
		}
	}
	for zone, rating := range cfg.STC.ZoneRatings {
		if _, err := conn.ExecContext(ctx, `INSERT INTO cfg_ratings VALUES (?, ?::DECIMAL(9, 3))`, zone, rating); err != nil {
			return err
		}
	}
	for _, p := range cfg.STC.Deeming.Periods {
		var max, last any
		if p.LastYear > 0 {
			last = p.LastYear
		} else {
			max = p.MaxYears
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO cfg_deeming VALUES (?, ?, ?, ?)`, p.FromYear, p.ToYear, max, last); err != nil {
			return err
		}
	}
	for _, c := range cfg.STC.Deeming.Choices {
		if _, err := conn.ExecContext(ctx, `INSERT INTO cfg_choices VALUES (?)`, c); err != nil {
			return err
		}
	}
	_, err := conn.ExecContext(ctx, `INSERT INTO cfg_params VALUES (?::DECIMAL(12, 3), ?)`, cfg.STC.SmallScaleLimitKW, cfg.STC.ClaimWindowMonths)
	return err
}
