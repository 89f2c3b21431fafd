package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"stcrecon/pipeline/storetest"
)

// A statement with a "-- batches: " line runs once a row of its query, that
// row's columns set as DuckDB variables of their names, and its rows are
// summed.
func TestRunBatches(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	conn := storetest.Conn(t, st.DB)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE got (batch BIGINT, first_line BIGINT, tag VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	var progress []string
	note := func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }
	n, err := runBatches(ctx, tx, "-- name: Thrice\n-- batches: SELECT range AS batch, 10 * range AS first_line, 'b' || range AS tag FROM range(3)\n"+
		"INSERT INTO got SELECT getvariable('batch'), getvariable('first_line'), getvariable('tag') FROM range(2)", note)
	if err != nil || n != 6 {
		t.Fatalf("%d rows, %v; want 6", n, err)
	}
	if got := strings.Join(progress, " "); got != "1/3 2/3 3/3" {
		t.Fatalf("progress %q, want after each of the three batches", got)
	}
	storetest.AssertRows(t, storetest.Query(t, tx, `SELECT batch, first_line, tag, count(*) FROM got GROUP BY ALL ORDER BY 1`),
		"0|0|b0|2", "1|10|b1|2", "2|20|b2|2")
	if n, err := runBatches(ctx, tx, "-- name: None\n-- batches: SELECT 1 AS batch WHERE false\nINSERT INTO got VALUES (9, 9, 'x')", note); err != nil || n != 0 {
		t.Fatalf("no batch: %d rows, %v", n, err)
	}
	if n, err := runBatches(ctx, tx, "-- name: Once\nINSERT INTO got VALUES (9, 9, 'x')", note); err != nil || n != 1 {
		t.Fatalf("not batched: %d rows, %v", n, err)
	}
	if n, err := runBatches(ctx, tx, "-- name: OneBatch\n-- batches: SELECT 1 AS batch\nINSERT INTO got VALUES (9, 9, 'x')", note); err != nil || n != 1 {
		t.Fatalf("one batch: %d rows, %v", n, err)
	}
	if len(progress) != 3 {
		t.Fatalf("progress %q: a statement of one batch, or none, says nothing", progress)
	}
}
