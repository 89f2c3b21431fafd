-- name: KnownNames
-- The names the audit compares (sql/audit/names.sql), kept so that a nightly
-- run reads the names of the rows loaded since the previous run, not those of
-- the whole history: millions of ledger rows hold a few thousand names.

-- Every name a check compares, with the file of its row: brands, licensees,
-- manufacturers, suppliers and models, as written. A filter on file_id reaches
-- each table's scan.
CREATE OR REPLACE VIEW name_sources AS
SELECT file_id, licensee AS name FROM panel_ledger
UNION ALL SELECT file_id, supplier_name FROM panel_ledger
UNION ALL SELECT file_id, model_number FROM panel_ledger
UNION ALL SELECT file_id, manufacturer FROM inverter_ledger
UNION ALL SELECT file_id, model_number FROM inverter_ledger
UNION ALL SELECT file_id, licensee FROM cec_modules
UNION ALL SELECT file_id, model_number FROM cec_modules
UNION ALL SELECT file_id, manufacturer FROM cec_inverters
UNION ALL SELECT file_id, model_number FROM cec_inverters
UNION ALL SELECT file_id, supplier_name FROM suppliers
UNION ALL SELECT file_id, brand FROM suppliers
UNION ALL SELECT file_id, panel_brand FROM claims
UNION ALL SELECT file_id, panel_model FROM claims
UNION ALL SELECT file_id, inverter_manufacturer FROM claims
UNION ALL SELECT file_id, inverter_model FROM claims;

-- Every name of name_sources of a file up to the latest audit run's
-- last_file_id, at least (sql/audit/known_names.sql adds a run's new names in
-- the run's transaction). Filled here from the whole store.
CREATE OR REPLACE TABLE audit_known_names AS
SELECT DISTINCT name FROM name_sources WHERE name IS NOT NULL;
