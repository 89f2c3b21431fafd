package store_test

import (
	"context"
	"testing"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// WithThreads sets DuckDB's threads for the whole store, from a connection or
// from a transaction, and restore puts the count it found back.
func TestWithThreads(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	if _, err := st.DB.Exec("SET threads = 3"); err != nil {
		t.Fatal(err)
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	check := func(q store.Querier) {
		t.Helper()
		restore, err := store.WithThreads(ctx, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT current_setting('threads')"), "1")
		if err := restore(); err != nil {
			t.Fatal(err)
		}
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT current_setting('threads')"), "3")
	}
	check(conn)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	check(tx)
}
