package audit

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"

	"github.com/marcboeker/go-duckdb"

	"stcrecon/pipeline/names"
	"stcrecon/pipeline/store"
)

// LoadNameKeys fills the temp table name_keys of the connection: every
// distinct name the checks compare (sql/audit/names.sql), with its keys under
// the configuration's brand aliases and model suffixes (data contract §3).
// Keys are made here, once per distinct name, and never stored: a change of
// aliases or suffixes takes effect at the next audit.
func LoadNameKeys(ctx context.Context, conn *sql.Conn, k *names.Keyer) (int, error) {
	if err := store.ExecFile(ctx, conn, "audit/names.sql"); err != nil {
		return 0, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT name FROM audit_names WHERE name IS NOT NULL`)
	if err != nil {
		return 0, fmt.Errorf("name keys: %w", err)
	}
	var all []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("name keys: %w", err)
		}
		all = append(all, n)
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("name keys: %w", err)
	}
	sort.Strings(all) // name_id: the names in name order
	type keyed struct{ brand, model, suffix string }
	keys := make([]keyed, len(all))
	brandIDs, modelIDs := map[string]int32{}, map[string]int32{}
	for i, n := range all {
		brand, _ := k.Brand(n)
		model, suffix := k.Model(n)
		keys[i] = keyed{brand, model, suffix}
		brandIDs[brand], modelIDs[model] = 0, 0
	}
	number(brandIDs)
	number(modelIDs)
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "name_keys")
		if err != nil {
			return err
		}
		for i, n := range all {
			x := keys[i]
			if err := app.AppendRow(n, int32(i+1), names.Key(n), names.Base(n), x.brand, x.model, x.suffix,
				brandIDs[x.brand], modelIDs[x.model]); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("name keys: %w", err)
	}
	return len(all), nil
}

// number gives the keys of m the ids 1, 2, ... in key order, so an order by id
// is an order by key (and runs give the same ids for the same names).
func number(m map[string]int32) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		m[k] = int32(i + 1)
	}
}
