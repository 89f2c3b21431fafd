-- name: ReportPanelMatches
-- For each distinct panel serial of the claims in report_scope: the ledger
-- entry it matches, chosen as the audit chooses (sql/audit/matches.sql: the
-- current entry under the claim's brand first, else another brand's latest
-- upload), whether the verdict found it in the ledger (no panel.not_in_ledger
-- finding), and the supplier it is put down to:
--   found  -> the supplier who uploaded the matched entry;
--   not found -> every supplier authorised for the claim's brand on the
--                installation date, names joined by ' / ', else
--                '(no authorised supplier)'.
CREATE OR REPLACE TEMP TABLE report_panel_serials AS
SELECT DISTINCT r.run_id, r.claim_id, s.serial_norm, c.panel_brand, c.panel_brand_norm, c.installed_on
FROM report_scope r
JOIN claims c USING (claim_id, file_id)
JOIN claim_serials s USING (claim_id, file_id)
WHERE s.component = 'panel';

CREATE OR REPLACE TEMP TABLE report_panel_matches AS
WITH entries AS (
    SELECT l.*
    FROM panel_ledger l
    SEMI JOIN (SELECT DISTINCT serial_norm FROM report_panel_serials) s USING (serial_norm)
    QUALIFY row_number() OVER (
        PARTITION BY licensee_norm, serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) = 1
), matched AS (
    SELECT p.*, e.supplier_name AS ledger_supplier, e.supplier_norm, e.licensee, e.licensee_norm,
        e.model_number, e.uploaded_at,
        NOT EXISTS (
            SELECT 1 FROM findings f
            WHERE f.run_id = p.run_id AND f.claim_id = p.claim_id
              AND f.rule = 'panel.not_in_ledger' AND f.serial_number = p.serial_norm) AS found
    FROM report_panel_serials p
    LEFT JOIN entries e USING (serial_norm)
    QUALIFY row_number() OVER (PARTITION BY p.claim_id, p.serial_norm
        ORDER BY (e.licensee_norm = p.panel_brand_norm) DESC, e.uploaded_at DESC, e.licensee_norm) = 1
), authorised AS (
    SELECT p.claim_id, p.serial_norm,
        string_agg(DISTINCT n.supplier_name, ' / ' ORDER BY n.supplier_name) AS names
    FROM report_panel_serials p
    JOIN suppliers s ON s.product = 'panel' AND s.brand_norm = p.panel_brand_norm
        AND p.installed_on >= s.authorised_from
        AND (s.authorised_to IS NULL OR p.installed_on <= s.authorised_to)
    JOIN report_supplier_names n ON n.supplier_norm = s.supplier_norm
    GROUP BY ALL
)
SELECT m.*,
    CASE WHEN m.supplier_norm IS NOT NULL AND m.found
        THEN coalesce((SELECT n.supplier_name FROM report_supplier_names n WHERE n.supplier_norm = m.supplier_norm), m.ledger_supplier)
        ELSE coalesce(a.names, '(no authorised supplier)') END AS supplier
FROM matched m
LEFT JOIN authorised a USING (claim_id, serial_norm);

-- Each claim is put down to one supplier: the one most of its panel serials
-- are put down to (ties: the first name), so tables by supplier add up to the
-- summary.
CREATE OR REPLACE TEMP TABLE report_claim_supplier AS
SELECT claim_id, supplier
FROM (SELECT claim_id, supplier, count(*) AS n FROM report_panel_matches GROUP BY ALL)
QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY n DESC, supplier) = 1;
