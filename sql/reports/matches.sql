-- name: ReportPanelMatches
-- For each distinct panel serial of the claims in report_scope: the ledger
-- entry it matches, chosen as the audit chooses (sql/audit/matches.sql: the
-- current entry under the claim's brand first, else another brand's latest
-- upload, brands compared by brand key through name_keys, contract §3),
-- whether the verdict found it in the ledger (no panel.not_in_ledger
-- finding), and the supplier it is put down to:
--   found  -> the supplier who uploaded the matched entry;
--   not found -> every supplier authorised for the claim's brand (by brand
--                key) on the installation date, names joined by ' / ', else
--                '(no authorised supplier)'.
-- supplier_key is the brand key of a supplier's name.
CREATE OR REPLACE TEMP TABLE report_panel_serials AS
SELECT DISTINCT r.run_id, r.claim_id, s.serial_norm, c.panel_brand, c.panel_brand_norm, k.brand_id AS panel_brand_id,
    c.installed_on
FROM report_scope r
JOIN claims c USING (claim_id, file_id)
JOIN claim_serials s USING (claim_id, file_id)
LEFT JOIN name_keys k ON k.name = c.panel_brand
WHERE s.component = 'panel';

CREATE OR REPLACE TEMP TABLE report_panel_matches AS
WITH chosen AS (
    -- one pass: per claimed serial, the best ledger row by (claim's brand key,
    -- latest upload, smaller brand key, later file, later line), which is the
    -- current entry under the claim's brand, else another brand's latest
    -- (brand ids number the brand keys in key order)
    SELECT p.run_id, p.claim_id, p.serial_norm, p.panel_brand, p.panel_brand_norm, p.panel_brand_id, p.installed_on,
        arg_max({supplier_name: e.supplier_name, supplier_key: sk.brand_key, licensee: e.licensee,
                 licensee_norm: e.licensee_norm, model_number: e.model_number, uploaded_at: e.uploaded_at},
                {own_brand: lk.brand_id = p.panel_brand_id, uploaded_at: e.uploaded_at, key_rank: -lk.brand_id,
                 file_id: e.file_id, line: e.line}) AS e
    FROM report_panel_serials p
    LEFT JOIN panel_ledger e USING (serial_norm)
    LEFT JOIN name_keys lk ON lk.name = e.licensee
    LEFT JOIN name_keys sk ON sk.name = e.supplier_name
    GROUP BY p.run_id, p.claim_id, p.serial_norm, p.panel_brand, p.panel_brand_norm, p.panel_brand_id, p.installed_on
), matched AS (
    SELECT p.run_id, p.claim_id, p.serial_norm, p.panel_brand, p.panel_brand_norm, p.panel_brand_id, p.installed_on,
        p.e.supplier_name AS ledger_supplier, p.e.supplier_key AS supplier_key, p.e.licensee AS licensee,
        p.e.licensee_norm AS licensee_norm, p.e.model_number AS model_number, p.e.uploaded_at AS uploaded_at,
        NOT EXISTS (
            SELECT 1 FROM findings f
            WHERE f.run_id = p.run_id AND f.claim_id = p.claim_id
              AND f.rule = 'panel.not_in_ledger' AND f.serial_number = p.serial_norm) AS found
    FROM chosen p
), authorised AS (
    -- who was authorised for a brand on a day: once per distinct (brand, day)
    SELECT p.panel_brand_id, p.installed_on,
        string_agg(DISTINCT n.supplier_name, ' / ' ORDER BY n.supplier_name) AS names
    FROM (SELECT DISTINCT panel_brand_id, installed_on FROM report_panel_serials) p
    JOIN report_suppliers s ON s.product = 'panel' AND s.brand_id = p.panel_brand_id
        AND p.installed_on >= s.authorised_from
        AND (s.authorised_to IS NULL OR p.installed_on <= s.authorised_to)
    JOIN report_supplier_names n ON n.supplier_key = s.supplier_key
    GROUP BY ALL
)
SELECT m.*,
    CASE WHEN m.supplier_key IS NOT NULL AND m.found
        THEN coalesce((SELECT n.supplier_name FROM report_supplier_names n WHERE n.supplier_key = m.supplier_key), m.ledger_supplier)
        ELSE coalesce(a.names, '(no authorised supplier)') END AS supplier
FROM matched m
LEFT JOIN authorised a USING (panel_brand_id, installed_on);

-- Each claim is put down to one supplier: the one most of its panel serials
-- are put down to (ties: the first name), so tables by supplier add up to the
-- summary.
CREATE OR REPLACE TEMP TABLE report_claim_supplier AS
SELECT claim_id, supplier
FROM (SELECT claim_id, supplier, count(*) AS n FROM report_panel_matches GROUP BY ALL)
QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY n DESC, supplier) = 1;
