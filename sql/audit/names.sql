-- name: AuditNames
-- Every distinct name in the store that a check compares: brands, licensees,
-- manufacturers, suppliers and models, as written. Go makes each one's keys
-- (pipeline/names, under the configuration's brand aliases and model suffixes)
-- into name_keys; the audit then joins on keys. Millions of ledger rows hold a
-- few thousand distinct names, so keys are made per name, never per row.
CREATE OR REPLACE TEMP TABLE audit_names AS
SELECT DISTINCT licensee AS name FROM panel_ledger
UNION SELECT DISTINCT supplier_name FROM panel_ledger
UNION SELECT DISTINCT model_number FROM panel_ledger
UNION SELECT DISTINCT manufacturer FROM inverter_ledger
UNION SELECT DISTINCT model_number FROM inverter_ledger
UNION SELECT DISTINCT licensee FROM cec_modules
UNION SELECT DISTINCT model_number FROM cec_modules
UNION SELECT DISTINCT manufacturer FROM cec_inverters
UNION SELECT DISTINCT model_number FROM cec_inverters
UNION SELECT DISTINCT supplier_name FROM suppliers
UNION SELECT DISTINCT brand FROM suppliers
UNION SELECT DISTINCT panel_brand FROM claims
UNION SELECT DISTINCT panel_model FROM claims
UNION SELECT DISTINCT inverter_manufacturer FROM claims
UNION SELECT DISTINCT inverter_model FROM claims;

-- name: NameKeys
-- Filled by Go: for each name, its name key; as a brand, its base (company
-- forms dropped) and brand key; as a model, its model key and the
-- certification suffix dropped ('' when none). brand_id and model_id number
-- the distinct brand and model keys in key order, so the big working tables
-- join and rank on integers.
CREATE OR REPLACE TEMP TABLE name_keys (
    name         VARCHAR PRIMARY KEY,
    name_key     VARCHAR NOT NULL,
    brand_base   VARCHAR NOT NULL,
    brand_key    VARCHAR NOT NULL,
    model_key    VARCHAR NOT NULL,
    model_suffix VARCHAR NOT NULL,
    brand_id     INTEGER NOT NULL,
    model_id     INTEGER NOT NULL
);
