-- name: panel.unauthorised_supplier (error)
-- The matched ledger entry was uploaded by a supplier that, on the upload date,
-- held no authorisation for the entry's licensee (never, not yet, or lapsed).
-- Suppliers and brands are compared by brand key; the detail names a brand
-- alias that matched an authorisation it lists.
WITH judged AS (
    SELECT m.claim_id, m.serial_norm, m.supplier_name, m.licensee, m.uploaded_at,
        bool_or(m.uploaded_at::DATE >= s.authorised_from
            AND (s.authorised_to IS NULL OR m.uploaded_at::DATE <= s.authorised_to)) AS authorised,
        min(s.authorised_from) AS first_from,
        -- the latest end, NULL (open) when some authorisation is open-ended
        CASE WHEN bool_or(s.authorised_from IS NOT NULL AND s.authorised_to IS NULL) THEN NULL
             ELSE max(s.authorised_to) END AS last_to,
        list(brand_note(m.licensee, m.licensee_key, m.licensee_base, s.brand, s.brand_key, s.brand_base)) AS brand_notes
    FROM panel_matches m
    LEFT JOIN audit_suppliers s
        ON s.supplier_key = m.supplier_key AND s.product = 'panel' AND s.brand_key = m.licensee_key
    WHERE m.ledger_file_id IS NOT NULL
    GROUP BY ALL
)
SELECT claim_id, 'panel' AS component, serial_norm AS serial_number,
    'panel.unauthorised_supplier' AS rule, 'error' AS severity,
    'uploaded by ' || supplier_name || ', not authorised for ' || licensee || ' on ' ||
        strftime(uploaded_at, '%Y-%m-%d') ||
        coalesce(' (' || nullif(concat_ws('; ',
            'authorised ' || strftime(first_from, '%Y-%m-%d') || ' to ' || coalesce(strftime(last_to, '%Y-%m-%d'), 'open'),
            match_text(brand_notes, [])), '') || ')', '') AS detail
FROM judged
WHERE NOT coalesce(authorised, false);
