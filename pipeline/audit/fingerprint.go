package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"

	"stcrecon/configs"
	queries "stcrecon/sql"
)

// notForChecks are the top-level fields of configs.Config that cannot change
// a verdict: where files live, DuckDB settings, progress lines, jobs and schedules.
// Every other field counts, so a setting added later (brand aliases, model
// suffixes...) re-audits everything when it changes without anyone having to
// remember it here; a field derived from others (Names, built from Brands and
// ModelSuffixes) is left out only because its sources are in.
var notForChecks = map[string]bool{
	"DB": true, "DuckDB": true, "MemoryLimit": true, "PostcodeZones": true, "Ingest": true,
	"Folders": true, "Timezone": true, "SettleSeconds": true, "Jobs": true, "Serve": true,
	"Names": true,
}

// Fingerprint is the SHA-256 of everything besides the store's rows that
// decides a verdict: the configuration (a canonical JSON of every field but
// notForChecks: the STC figures, the postcode zones, ...), the text of every
// audit and check SQL file, and the store's schema version. A nightly run
// whose fingerprint differs from the previous run's audits every claim.
func Fingerprint(cfg *configs.Config, schemaVersion int) (string, error) {
	fields := map[string]json.RawMessage{}
	v := reflect.ValueOf(cfg).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() || notForChecks[f.Name] {
			continue
		}
		b, err := json.Marshal(v.Field(i).Interface())
		if err != nil {
			return "", fmt.Errorf("config fingerprint: %s: %w", f.Name, err)
		}
		fields[f.Name] = b
	}
	doc := map[string]any{"config": fields, "schema_version": schemaVersion}
	sqlFiles := map[string]string{}
	for _, dir := range []string{"audit", "checks"} {
		names, err := queries.List(dir)
		if err != nil {
			return "", err
		}
		for _, n := range names {
			sqlFiles[n] = queries.MustGet(n)
		}
	}
	doc["sql"] = sqlFiles
	// encoding/json writes map keys sorted, so equal inputs give equal bytes.
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("config fingerprint: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
