-- name: NoticeEvidence
-- evidence.csv of one supplier ($1: its key, supplier_key).
SELECT item, claim_id, serial_number, brand, model, installed_on, uploaded_at, detail
FROM report_notice_items
WHERE supplier_key = ?
ORDER BY item, claim_id, serial_number;
