-- name: ReportPanelSerials
-- The distinct panel serials of the claims in report_scope (any runs: a
-- compliance period or every current verdict), with the claim's brand and
-- installation date.
CREATE OR REPLACE TEMP TABLE report_panel_serials AS
SELECT DISTINCT r.run_id, r.claim_id, s.serial_norm, c.panel_brand, c.panel_brand_norm, k.brand_id AS panel_brand_id,
    c.installed_on
FROM report_scope r
JOIN claims c USING (claim_id, file_id)
JOIN claim_serials s USING (claim_id, file_id)
LEFT JOIN name_keys k ON k.name = c.panel_brand
WHERE s.component = 'panel';

-- name: ReportPanelEntries
-- For each of those serials, the ledger entry it matches, chosen as the audit
-- chooses (sql/audit/matches.sql: the current entry under the claim's brand
-- first, else another brand's latest upload, brands compared by brand key
-- through name_keys, contract §3). The audit workbook puts the claims of its
-- run down to suppliers from the run's own matches instead (run_matches.sql);
-- the claims of a period span many runs, whose matches are gone, so they are
-- matched again here.
-- supplier_key is the brand key of the uploading supplier's name.
CREATE OR REPLACE TEMP TABLE report_panel_entries AS
WITH chosen AS (
    -- one pass: per claimed serial, the best ledger row by (claim's brand key,
    -- latest upload, smaller brand key, later file, later line), which is the
    -- current entry under the claim's brand, else another brand's latest
    -- (brand ids number the brand keys in key order)
    SELECT p.run_id, p.claim_id, p.serial_norm, p.panel_brand, p.panel_brand_norm, p.panel_brand_id, p.installed_on,
        arg_max({supplier_name: e.supplier_name, supplier_key: sk.brand_key, licensee: e.licensee,
                 model_number: e.model_number, uploaded_at: e.uploaded_at},
                {own_brand: lk.brand_id = p.panel_brand_id, uploaded_at: e.uploaded_at, key_rank: -lk.brand_id,
                 file_id: e.file_id, line: e.line}) AS e
    FROM report_panel_serials p
    LEFT JOIN panel_ledger e USING (serial_norm)
    LEFT JOIN name_keys lk ON lk.name = e.licensee
    LEFT JOIN name_keys sk ON sk.name = e.supplier_name
    GROUP BY p.run_id, p.claim_id, p.serial_norm, p.panel_brand, p.panel_brand_norm, p.panel_brand_id, p.installed_on
)
SELECT p.run_id, p.claim_id, p.serial_norm, p.panel_brand, p.panel_brand_norm, p.panel_brand_id, p.installed_on,
    p.e.supplier_name AS ledger_supplier, p.e.supplier_key AS supplier_key, p.e.licensee AS licensee,
    norm_name(p.e.licensee) AS licensee_norm, p.e.model_number AS model_number, p.e.uploaded_at AS uploaded_at
FROM chosen p;
