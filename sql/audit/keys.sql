-- name: BrandNote
-- Two names matched only through a brand alias: their brand keys agree, their
-- names without company forms do not. NULL otherwise. Names as written.
CREATE OR REPLACE TEMP MACRO brand_note(a, key_a, base_a, b, key_b, base_b) AS
    CASE WHEN key_a = key_b AND base_a <> base_b THEN a || ' to ' || b || ' via the brand alias' END;

-- name: ModelNote
-- Two model numbers matched only by dropping a certification suffix: their
-- model keys agree, their name keys do not. NULL otherwise.
CREATE OR REPLACE TEMP MACRO model_note(a, key_a, name_key_a, b, key_b, name_key_b) AS
    CASE WHEN key_a = key_b AND name_key_a <> name_key_b THEN a || ' to ' || b || ' by its certification suffix' END;

-- name: MatchText
-- How names matched through the configuration, brand aliases first, each once:
-- 'matched Fronius to Fronius Australia Pty Ltd via the brand alias; Primo
-- 5.0-1 to Primo 5.0-1 (AS4777-2 2020) by its certification suffix', or NULL.
-- brands and models are lists of brand_note and model_note results.
CREATE OR REPLACE TEMP MACRO match_text(brands, models) AS
    'matched ' || nullif(array_to_string(
        list_sort(list_distinct(list_filter(brands, x -> x IS NOT NULL))) ||
        list_sort(list_distinct(list_filter(models, x -> x IS NOT NULL))), '; '), '');

-- name: MatchedNote
-- What a finding's detail ends with: ' (matched ...)', or '' when no name
-- matched through the configuration.
CREATE OR REPLACE TEMP MACRO matched_note(brands, models) AS
    coalesce(' (' || match_text(brands, models) || ')', '');

-- name: AuditCECModules
-- The CEC module rows with the keys of their licensee and model.
CREATE OR REPLACE TEMP TABLE audit_cec_modules AS
SELECT m.*, l.brand_key AS licensee_key, l.brand_base AS licensee_base,
    k.model_key, k.name_key AS model_name_key
FROM cec_modules m
JOIN name_keys l ON l.name = m.licensee
JOIN name_keys k ON k.name = m.model_number;

-- name: AuditCECInverters
-- The CEC inverter rows with the keys of their manufacturer and model.
CREATE OR REPLACE TEMP TABLE audit_cec_inverters AS
SELECT m.*, b.brand_key AS manufacturer_key, b.brand_base AS manufacturer_base,
    k.model_key, k.name_key AS model_name_key
FROM cec_inverters m
JOIN name_keys b ON b.name = m.manufacturer
JOIN name_keys k ON k.name = m.model_number;

-- name: AuditSuppliers
-- Every supplier authorisation ever loaded, with the brand keys of the
-- supplier and the brand.
CREATE OR REPLACE TEMP TABLE audit_suppliers AS
SELECT s.*, n.brand_key AS supplier_key, b.brand_key, b.brand_base
FROM suppliers s
JOIN name_keys n ON n.name = s.supplier_name
JOIN name_keys b ON b.name = s.brand;
