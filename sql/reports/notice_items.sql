-- name: NoticeItems
-- Every item a supplier answers for (data contract §6), over the claims in
-- report_scope (every claim's current verdict) and their panel matches
-- (panel_suppliers.sql). One row per (supplier, item, claim, serial). Suppliers and
-- brands are compared by brand key (name_keys, as the audit compares them), so
-- a supplier authorised for `Jinko Solar Co Ltd` answers for a claim of `Jinko`.
--   unauthorised_upload: the claimed serial's ledger entry was uploaded by a
--       supplier not authorised for its licensee on the upload date (the
--       verdict's panel.unauthorised_supplier finding, so the notice says what
--       the audit found); answered by the uploader of the entry the audit matched.
--   missing_from_ledger: a claimed panel or inverter serial in no ledger entry
--       (panel/inverter.not_in_ledger); answered by every supplier authorised
--       for the claim's brand (or inverter manufacturer) on the installation date;
--       the detail adds what the serial most likely is (sql/audit/triage.sql).
--   late_upload: the claimed panel serial's ledger entry was uploaded after
--       the installation date; answered by the uploader.
CREATE OR REPLACE TEMP TABLE report_notice_items AS
SELECT m.supplier_key, m.ledger_supplier AS supplier_written, 'unauthorised_upload' AS item,
    m.claim_id, m.serial_norm AS serial_number, m.licensee AS brand, m.model_number AS model,
    m.installed_on, m.uploaded_at, f.detail
FROM report_panel_matches m
JOIN findings f ON f.run_id = m.run_id AND f.claim_id = m.claim_id
    AND f.rule = 'panel.unauthorised_supplier' AND f.serial_number = m.serial_norm
UNION ALL
SELECT DISTINCT s.supplier_key, n.supplier_name, 'missing_from_ledger',
    f.claim_id, f.serial_number,
    CASE f.component WHEN 'panel' THEN c.panel_brand ELSE c.inverter_manufacturer END,
    CASE f.component WHEN 'panel' THEN c.panel_model ELSE c.inverter_model END,
    c.installed_on, NULL::TIMESTAMP,
    f.component || ' serial ' || f.serial_number || ' is in no ledger entry; you were authorised to supply ' ||
        CASE f.component WHEN 'panel' THEN c.panel_brand ELSE c.inverter_manufacturer END ||
        ' on ' || strftime(c.installed_on, '%Y-%m-%d') ||
        -- what the serial most likely is (the finding's triage): a serial left
        -- out of an upload names the supplier whose range it fell out of
        coalesce('; most likely: ' || CASE WHEN finding_triage(f.rule, f.detail) IS NOT NULL
            THEN split_part(f.detail, '; serial ', 1) END, '')
FROM report_scope r
JOIN findings f USING (run_id, claim_id)
JOIN claims c USING (claim_id, file_id)
JOIN name_keys b ON b.name = CASE f.component WHEN 'panel' THEN c.panel_brand ELSE c.inverter_manufacturer END
JOIN report_suppliers s ON s.product = f.component AND s.brand_id = b.brand_id
    AND c.installed_on >= s.authorised_from
    AND (s.authorised_to IS NULL OR c.installed_on <= s.authorised_to)
JOIN report_supplier_names n USING (supplier_key)
WHERE f.rule IN ('panel.not_in_ledger', 'inverter.not_in_ledger')
UNION ALL
SELECT m.supplier_key, m.ledger_supplier, 'late_upload',
    m.claim_id, m.serial_norm, m.licensee, m.model_number, m.installed_on, m.uploaded_at,
    'uploaded ' || strftime(m.uploaded_at, '%Y-%m-%d') || ', ' ||
        (m.uploaded_at::DATE - m.installed_on) || ' days after the installation on ' ||
        strftime(m.installed_on, '%Y-%m-%d')
FROM report_panel_matches m
WHERE m.found AND m.supplier_key IS NOT NULL AND m.uploaded_at::DATE > m.installed_on;

-- Each supplier with something to answer for: the name and ABN of its latest
-- authorised-supplier row, else the name as its ledger upload wrote it.
CREATE OR REPLACE TEMP TABLE report_notice_suppliers AS
SELECT i.supplier_key,
    coalesce(any_value(n.supplier_name), min(i.supplier_written)) AS supplier,
    coalesce(any_value(n.abn), '') AS abn
FROM report_notice_items i
LEFT JOIN report_supplier_names n USING (supplier_key)
GROUP BY i.supplier_key;
