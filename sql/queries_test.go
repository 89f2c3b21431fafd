package queries

import (
	"reflect"
	"strings"
	"testing"
)

// The 18 checks of data contract §3, by id.
var contractRules = []string{
	"claim.capacity_mismatch", "claim.deeming_period", "claim.late", "claim.stc_overclaim",
	"claim.too_large", "claim.unknown_postcode",
	"inverter.duplicate", "inverter.invalid", "inverter.model_mismatch", "inverter.not_approved",
	"inverter.not_in_ledger",
	"panel.count_mismatch", "panel.duplicate", "panel.invalid", "panel.model_mismatch",
	"panel.not_approved", "panel.not_in_ledger", "panel.unauthorised_supplier",
}

func TestEveryContractCheckHasOneFile(t *testing.T) {
	if got := Checks(); !reflect.DeepEqual(got, contractRules) {
		t.Fatalf("checks/ holds %v\nthe contract has %v", got, contractRules)
	}
	for _, rule := range contractRules {
		text, err := Check(rule)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(text, "-- name: "+rule+" (") {
			t.Errorf("checks/%s.sql: first line must be '-- name: %s (severity)'", rule, rule)
		}
		if !strings.Contains(text, "'"+rule+"' AS rule") {
			t.Errorf("checks/%s.sql: does not emit its own rule id", rule)
		}
		if n := len(Statements(text)); n != 1 {
			t.Errorf("checks/%s.sql: %d statements, want one SELECT", rule, n)
		}
	}
}

func TestMigrationsAreNumberedInOrder(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("%s: version %d, want %d (no gaps)", m.Name, m.Version, i+1)
		}
	}
}

func TestStatements(t *testing.T) {
	text := "-- name: A\nSELECT 1;\n\n-- only a comment\n-- name: B\nSELECT ';'\n  FROM x;\n" +
		"-- name: C\n-- a comment line ending in a semicolon;\n  -- indented;\nSELECT 3;\n-- trailing;\nSELECT 4"
	got := Statements(text)
	want := []string{"-- name: A\nSELECT 1;", "-- only a comment\n-- name: B\nSELECT ';'\n  FROM x;",
		"-- name: C\n-- a comment line ending in a semicolon;\n  -- indented;\nSELECT 3;", "-- trailing;\nSELECT 4"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// Reports list every rule with its severity, read from the check's header.
func TestSeverity(t *testing.T) {
	for _, rule := range contractRules {
		want := "error"
		if rule == "claim.capacity_mismatch" {
			want = "warning"
		}
		if got := Severity(rule); got != want {
			t.Errorf("Severity(%s) = %q, want %q", rule, got, want)
		}
	}
	if got := Severity("no.such_rule"); got != "" {
		t.Errorf("Severity of an unknown rule = %q", got)
	}
}

// Every statement of a load file starts with its "-- name: " line, which its
// "-- when:" and "-- batches:" lines follow. (A ';' at the end of a comment
// line used to split a statement in two, and the piece after it ran as a
// statement of its own, unnamed: a view's header comment once did this, and
// a batched INSERT ran once instead of once a batch. Statements no longer
// splits there.)
func TestLoadStatementsAreNamed(t *testing.T) {
	names, err := List("load")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		for _, st := range Statements(MustGet(n)) {
			if !strings.HasPrefix(st, "-- name: ") {
				t.Errorf("%s: a statement without its name first:\n%s", n, st)
			}
		}
	}
}
