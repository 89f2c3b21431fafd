-- name: ReportPanelMatches
-- For each panel serial of report_panel_entries (matches.sql): whether the
-- verdict found it in the ledger (no panel.not_in_ledger finding), and the
-- supplier it is put down to:
--   found  -> the supplier who uploaded the matched entry;
--   not found -> every supplier authorised for the claim's brand (by brand
--                key) on the installation date, names joined by ' / ', else
--                '(no authorised supplier)'.
-- A supplier goes by its latest name (report_supplier_names, one row per key).
CREATE OR REPLACE TEMP TABLE report_panel_matches AS
WITH matched AS (
    SELECT p.*, nf.claim_id IS NULL AS found
    FROM report_panel_entries p
    LEFT JOIN (
        SELECT DISTINCT run_id, claim_id, serial_number AS serial_norm FROM findings
        WHERE rule = 'panel.not_in_ledger'
    ) nf USING (run_id, claim_id, serial_norm)
), authorised AS (
    -- who was authorised for a brand on a day: once per distinct (brand, day)
    SELECT p.panel_brand_id, p.installed_on,
        string_agg(DISTINCT n.supplier_name, ' / ' ORDER BY n.supplier_name) AS names
    FROM (SELECT DISTINCT panel_brand_id, installed_on FROM report_panel_entries) p
    JOIN report_suppliers s ON s.product = 'panel' AND s.brand_id = p.panel_brand_id
        AND p.installed_on >= s.authorised_from
        AND (s.authorised_to IS NULL OR p.installed_on <= s.authorised_to)
    JOIN report_supplier_names n ON n.supplier_key = s.supplier_key
    GROUP BY ALL
)
SELECT m.*,
    CASE WHEN m.supplier_key IS NOT NULL AND m.found
        THEN coalesce(n.supplier_name, m.ledger_supplier)
        ELSE coalesce(a.names, '(no authorised supplier)') END AS supplier
FROM matched m
LEFT JOIN authorised a USING (panel_brand_id, installed_on)
LEFT JOIN report_supplier_names n ON n.supplier_key = m.supplier_key;

-- name: ReportClaimSupplier
-- Each claim is put down to one supplier: the one most of its panel serials
-- are put down to (ties: the first name), so tables by supplier add up to the
-- summary. (The audit workbook makes it for its run with run_matches.sql.)
CREATE OR REPLACE TEMP TABLE report_claim_supplier AS
SELECT claim_id, supplier
FROM (SELECT claim_id, supplier, count(*) AS n FROM report_panel_matches GROUP BY ALL)
QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY n DESC, supplier) = 1;
