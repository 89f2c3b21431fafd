// Package queries holds every SQL statement stcrecon runs, as embedded .sql
// files, and names them. It decides nothing: pipeline and reports pick the
// statements and run them.
//
//	schema/NN_name.sql   migrations, applied in NN order and recorded
//	load/<kind>.sql      validate a staged file of one kind and load its rows
//	checks/<rule>.sql    one audit check per file, named by its rule id
//	audit/*.sql          the audit's set-up and summary steps
//	reports/*.sql        one report table (or a report's set-up) per file
//	jobs/*.sql           the run history of the scheduled jobs
package queries

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed schema/*.sql load/*.sql checks/*.sql audit/*.sql reports/*.sql jobs/*.sql
var files embed.FS

// Migration is one schema/NN_name.sql file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^([0-9]{2})_([a-z0-9_]+)\.sql$`)

// Migrations returns the schema files in version order. A file whose name
// breaks the NN_name.sql convention, or a repeated version, is an error.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(files, "schema")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("sql/schema/%s: name must be NN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if len(out) > 0 && out[len(out)-1].Version == v {
			return nil, fmt.Errorf("sql/schema/%s: version %d used twice", e.Name(), v)
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: MustGet("schema/" + e.Name())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Get returns the text of one file, e.g. "load/claims.sql".
func Get(name string) (string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("sql/%s: %w", name, err)
	}
	return string(b), nil
}

// MustGet is Get for names fixed in the program; a missing file is a build defect.
func MustGet(name string) string {
	s, err := Get(name)
	if err != nil {
		panic(err)
	}
	return s
}

// Checks returns the rule ids of checks/*.sql, sorted.
func Checks() []string {
	entries, _ := fs.ReadDir(files, "checks")
	var ids []string
	for _, e := range entries {
		ids = append(ids, strings.TrimSuffix(e.Name(), ".sql"))
	}
	sort.Strings(ids)
	return ids
}

// List returns the names of the files in one folder ("audit", "checks"), as
// Get takes them ("audit/scope.sql"), in byte order.
func List(dir string) ([]string, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("sql/%s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, path.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}

// Check returns the SQL of one check by rule id.
func Check(rule string) (string, error) { return Get(path.Join("checks", rule+".sql")) }

// Statements splits a file into its statements at semicolons that end a line
// of SQL; a comment line ending in ';' ends nothing, so a statement keeps its
// "-- name:" header whatever its comment says. Comment-only pieces are
// dropped. Statement files never put ';' at a line end inside a string.
func Statements(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		cur.WriteString(line)
		if l := strings.TrimSpace(line); strings.HasSuffix(l, ";") && !strings.HasPrefix(l, "--") {
			if s := strings.TrimSpace(cur.String()); !commentOnly(s) {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" && !commentOnly(s) {
		out = append(out, s)
	}
	return out
}

func commentOnly(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "--") && l != ";" {
			return false
		}
	}
	return true
}

var checkHeader = regexp.MustCompile(`(?m)^-- name: (\S+) \((error|warning)\)$`)

// Severity returns the severity a check's header comment declares
// ("-- name: panel.invalid (error)"), or "" when the rule has no check file.
func Severity(rule string) string {
	text, err := Check(rule)
	if err != nil {
		return ""
	}
	m := checkHeader.FindStringSubmatch(text)
	if m == nil || m[1] != rule {
		return ""
	}
	return m[2]
}

var statementName = regexp.MustCompile(`(?m)^-- name: *(\S+)`)

// StatementName is the name a statement's "-- name: X" line gives it, or ""
// when it has none.
func StatementName(stmt string) string {
	if m := statementName.FindStringSubmatch(stmt); m != nil {
		return m[1]
	}
	return ""
}
