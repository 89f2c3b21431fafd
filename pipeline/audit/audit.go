package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
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
	Scope       string // "new" or "all"
	StartedAt   time.Time
	FinishedAt  time.Time
	LastFileID  int64 // the newest file the run saw
	PrevFileID  int64 // the newest file the previous run saw (rejects after it are this run's)
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
}

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

// Run audits the claims not yet audited (all current claims when all is set)
// and records the run, its findings and its claim results in one transaction.
func (a *Auditor) Run(ctx context.Context, all bool) (*Run, error) {
	conn, err := a.Store.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer conn.Close()
	began := time.Now()
	run := &Run{Scope: "new", StartedAt: a.now(), ByRule: map[string]int64{}, Names: a.Config.Names}
	if all {
		run.Scope = "all"
	}
	if err := LoadConfigTables(ctx, conn, a.Config); err != nil {
		return nil, fmt.Errorf("audit: config: %w", err)
	}
	t0 := time.Now()
	nNames, err := LoadNameKeys(ctx, conn, a.Config.Names)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	a.log().Info("audit: step", "sql", "audit/names.sql", "names", nNames, "seconds", time.Since(t0).Seconds())
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(file_id), 0) FROM files`).Scan(&run.LastFileID); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(last_file_id), 0) FROM audit_runs`).Scan(&run.PrevFileID); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT nextval('audit_run_seq')`).Scan(&run.ID); err != nil {
		return nil, err
	}
	// The claims in scope, their STC arithmetic, and their ledger matches.
	if err := store.ExecFile(ctx, tx, "audit/scope.sql", all); err != nil {
		return nil, err
	}
	for _, f := range []string{"audit/stc.sql", "audit/claims.sql", "audit/keys.sql", "audit/matches.sql", "audit/duplicates.sql", "audit/triage.sql"} {
		t0 := time.Now()
		if err := store.ExecFile(ctx, tx, f); err != nil {
			return nil, err
		}
		a.log().Info("audit: step", "sql", f, "seconds", time.Since(t0).Seconds())
	}
	var inScope int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_claims`).Scan(&inScope); err != nil {
		return nil, err
	}
	a.log().Info("audit: claims in scope", "run", run.ID, "scope", run.Scope, "claims", inScope,
		"seconds", time.Since(began).Seconds())
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE run_findings (
		claim_id VARCHAR, component VARCHAR, serial_number VARCHAR, rule VARCHAR, severity VARCHAR, detail VARCHAR)`); err != nil {
		return nil, err
	}
	for _, rule := range queries.Checks() {
		q, err := queries.Check(rule)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		res, err := tx.ExecContext(ctx, "INSERT INTO run_findings "+q)
		if err != nil {
			return nil, fmt.Errorf("audit: sql/checks/%s.sql: %w", rule, err)
		}
		n, _ := res.RowsAffected()
		a.log().Info("audit: check", "rule", rule, "findings", n, "seconds", time.Since(start).Seconds())
	}
	if err := store.ExecFile(ctx, tx, "audit/results.sql", run.ID); err != nil {
		return nil, err
	}
	if err := store.ExecFile(ctx, tx, "audit/cleanup.sql"); err != nil {
		return nil, err
	}
	run.FinishedAt = a.now()
	cfgJSON, err := json.Marshal(a.Config.STC)
	if err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'pass'), count(*) FILTER (WHERE status = 'review'),
			count(*) FILTER (WHERE status = 'fail'), coalesce(sum(stcs_claimed), 0), coalesce(sum(stcs_at_risk), 0)
		FROM claim_results WHERE run_id = ?`, run.ID).
		Scan(&run.Claims, &run.Passed, &run.Review, &run.Failed, &run.StcsClaimed, &run.StcsAtRisk); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT rule, count(*) FROM findings WHERE run_id = ? GROUP BY rule`, run.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var rule string
		var n int64
		if err := rows.Scan(&rule, &n); err != nil {
			rows.Close()
			return nil, err
		}
		run.ByRule[rule] = n
		run.Findings += n
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.ID, run.StartedAt, run.FinishedAt, run.Scope, run.LastFileID, run.Claims, run.Passed, run.Review, run.Failed,
		run.Findings, string(cfgJSON)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return run, nil
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
