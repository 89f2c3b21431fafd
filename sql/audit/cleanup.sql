-- name: DropStepTables
-- Once the run is recorded (after its files are written: they read the run's
-- matches) or abandoned, the temp tables of its steps go: the connection
-- returns to the pool and would otherwise hold them (memory) until it is reused.
DROP TABLE IF EXISTS scope_params;
DROP TABLE IF EXISTS changed_claims;
DROP TABLE IF EXISTS changed_keys;
DROP TABLE IF EXISTS older_listing_hits;
DROP TABLE IF EXISTS changed_listings_found;
DROP TABLE IF EXISTS previous_results;
DROP TABLE IF EXISTS audit_scope;
DROP TABLE IF EXISTS stc_input;
DROP TABLE IF EXISTS stc_result;
DROP TABLE IF EXISTS audit_names;
DROP TABLE IF EXISTS name_keys;
DROP TABLE IF EXISTS audit_claims;
DROP TABLE IF EXISTS audit_serials;
DROP TABLE IF EXISTS audit_cec_modules;
DROP TABLE IF EXISTS audit_cec_inverters;
DROP TABLE IF EXISTS audit_suppliers;
DROP TABLE IF EXISTS panel_matches;
DROP TABLE IF EXISTS inverter_matches;
DROP TABLE IF EXISTS serial_duplicates;
DROP TABLE IF EXISTS run_findings;
DROP TABLE IF EXISTS triage_missing;
DROP TABLE IF EXISTS triage_buckets;
DROP TABLE IF EXISTS triage_rows;
DROP TABLE IF EXISTS triage_near;
DROP TABLE IF EXISTS serial_triage;
