-- name: panel.unauthorised_supplier (error)
-- The matched ledger entry was uploaded by a supplier that, on the upload date,
-- held no authorisation for the entry's licensee (never, not yet, or lapsed).
SELECT m.claim_id, 'panel' AS component, m.serial_norm AS serial_number,
    'panel.unauthorised_supplier' AS rule, 'error' AS severity,
    'uploaded by ' || m.supplier_name || ', not authorised for ' || m.licensee || ' on ' ||
        strftime(m.uploaded_at, '%Y-%m-%d') ||
        coalesce(' (' || (
            SELECT 'authorised ' || strftime(min(s.authorised_from), '%Y-%m-%d') || ' to ' ||
                coalesce(strftime(max(s.authorised_to), '%Y-%m-%d'), 'open')
            FROM suppliers s
            WHERE s.supplier_norm = m.supplier_norm AND s.product = 'panel' AND s.brand_norm = m.licensee_norm) || ')', '') AS detail
FROM panel_matches m
WHERE m.ledger_file_id IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM suppliers s
    WHERE s.supplier_norm = m.supplier_norm
      AND s.product = 'panel'
      AND s.brand_norm = m.licensee_norm
      AND m.uploaded_at::DATE >= s.authorised_from
      AND (s.authorised_to IS NULL OR m.uploaded_at::DATE <= s.authorised_to));
