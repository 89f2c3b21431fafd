-- name: panel.unauthorised_supplier (error)
-- The matched ledger entry was uploaded by a supplier that, on the upload date,
-- held no authorisation for the entry's licensee (never, not yet, or lapsed).
-- Suppliers and brands are compared by brand key; the detail gives the
-- supplier's authorisation for the brand, and names a brand alias that matched it.
-- Authorisation is looked up once per distinct (supplier, licensee, upload
-- day), not once per serial: a million matched serials share a few thousand.
WITH uploads AS (
    SELECT DISTINCT supplier_id, licensee_id, uploaded_at::DATE AS day
    FROM panel_matches
    WHERE ledger_file_id IS NOT NULL
), unauthorised AS (
    SELECT u.supplier_id, u.licensee_id, u.day
    FROM uploads u
    WHERE NOT EXISTS (
        SELECT 1 FROM audit_suppliers s
        WHERE s.supplier_id = u.supplier_id AND s.product = 'panel' AND s.brand_id = u.licensee_id
          AND u.day >= s.authorised_from
          AND (s.authorised_to IS NULL OR u.day <= s.authorised_to))
), failed AS (
    SELECT m.claim_id, m.serial_norm, m.uploaded_at, m.supplier_id, m.licensee_id,
        m.supplier_name_id, m.licensee_name_id
    FROM panel_matches m
    JOIN unauthorised u ON u.supplier_id = m.supplier_id AND u.licensee_id = m.licensee_id
        AND u.day = m.uploaded_at::DATE
    WHERE m.ledger_file_id IS NOT NULL
), held AS (
    -- the authorisations the supplier held for the brand at some other time,
    -- once per (supplier, licensee as written)
    SELECT f.supplier_id, f.licensee_id, f.licensee_name_id,
        min(s.authorised_from) AS first_from,
        CASE WHEN bool_or(s.authorised_to IS NULL) THEN NULL ELSE max(s.authorised_to) END AS last_to,
        list(brand_note(lb, sb)) AS brand_notes
    FROM (SELECT DISTINCT supplier_id, licensee_id, licensee_name_id FROM failed) f
    JOIN audit_suppliers s ON s.supplier_id = f.supplier_id AND s.product = 'panel' AND s.brand_id = f.licensee_id
    JOIN name_keys lb ON lb.name_id = f.licensee_name_id
    JOIN name_keys sb ON sb.name = s.brand
    GROUP BY f.supplier_id, f.licensee_id, f.licensee_name_id
)
-- (the names as written, from their name_keys ids: sql/audit/matches.sql)
SELECT f.claim_id, 'panel' AS component, f.serial_norm AS serial_number,
    'panel.unauthorised_supplier' AS rule, 'error' AS severity,
    'uploaded by ' || sn.name || ', not authorised for ' || ln.name || ' on ' ||
        strftime(f.uploaded_at, '%Y-%m-%d') ||
        coalesce(' (authorised ' || strftime(h.first_from, '%Y-%m-%d') || ' to ' ||
            coalesce(strftime(h.last_to, '%Y-%m-%d'), 'open') ||
            coalesce('; ' || match_text(h.brand_notes, []), '') || ')', '') AS detail
FROM failed f
JOIN name_keys sn ON sn.name_id = f.supplier_name_id
JOIN name_keys ln ON ln.name_id = f.licensee_name_id
LEFT JOIN held h USING (supplier_id, licensee_id, licensee_name_id);
