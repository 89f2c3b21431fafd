-- name: BrandNote
-- Two names (name_keys rows a and b) matched only through a brand alias: their
-- brand keys agree, their names without company forms do not. NULL otherwise.
CREATE OR REPLACE TEMP MACRO brand_note(a, b) AS
    CASE WHEN a.brand_key = b.brand_key AND a.brand_base <> b.brand_base
        THEN a.name || ' to ' || b.name || ' via the brand alias' END;

-- name: ModelNote
-- Two model numbers (name_keys rows a and b) matched only by dropping a
-- certification suffix: their model keys agree, their name keys do not.
CREATE OR REPLACE TEMP MACRO model_note(a, b) AS
    CASE WHEN a.model_key = b.model_key AND a.name_key <> b.name_key
        THEN a.name || ' to ' || b.name || ' by its certification suffix' END;

-- name: MatchText
-- How names matched through the configuration, brand aliases first, each once:
-- 'matched Fronius to Fronius Australia Pty Ltd via the brand alias; Primo
-- 5.0-1 to Primo 5.0-1 (AS4777-2 2020) by its certification suffix', or NULL.
-- brands and models are lists of brand_note and model_note results.
CREATE OR REPLACE TEMP MACRO match_text(brands, models) AS
    'matched ' || nullif(array_to_string(
        list_sort(list_distinct(list_filter(coalesce(brands, []), x -> x IS NOT NULL))) ||
        list_sort(list_distinct(list_filter(coalesce(models, []), x -> x IS NOT NULL))), '; '), '');

-- name: MatchedNote
-- What a finding's detail ends with: ' (matched ...)', or '' when no name
-- matched through the configuration.
CREATE OR REPLACE TEMP MACRO matched_note(brands, models) AS
    coalesce(' (' || match_text(brands, models) || ')', '');

-- name: AuditCECModules
-- The CEC module rows with the ids of their licensee's brand key and their
-- model key.
CREATE OR REPLACE TEMP TABLE audit_cec_modules AS
SELECT m.*, l.brand_id AS licensee_id, k.model_id
FROM cec_modules m
JOIN name_keys l ON l.name = m.licensee
JOIN name_keys k ON k.name = m.model_number;

-- name: AuditCECInverters
-- The CEC inverter rows with the ids of their manufacturer's brand key and
-- their model key.
CREATE OR REPLACE TEMP TABLE audit_cec_inverters AS
SELECT m.*, b.brand_id AS manufacturer_id, k.model_id
FROM cec_inverters m
JOIN name_keys b ON b.name = m.manufacturer
JOIN name_keys k ON k.name = m.model_number;

-- name: AuditSuppliers
-- Every supplier authorisation ever loaded, with the ids of the brand keys of
-- the supplier and the brand.
CREATE OR REPLACE TEMP TABLE audit_suppliers AS
SELECT s.*, n.brand_id AS supplier_id, b.brand_id
FROM suppliers s
JOIN name_keys n ON n.name = s.supplier_name
JOIN name_keys b ON b.name = s.brand;
