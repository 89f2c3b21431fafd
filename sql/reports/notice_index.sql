-- name: NoticeIndex
-- index.csv (without its folder column, which names the folder each notice
-- was written to): one row per supplier with something to answer for.
-- stcs_at_risk adds up the STCs at risk of the distinct claims concerned.
SELECT s.supplier, s.abn,
    count(*) AS items,
    count(DISTINCT i.claim_id) AS claims,
    count(DISTINCT i.serial_number) AS serials,
    coalesce((SELECT sum(r.stcs_at_risk) FROM report_scope r
              WHERE r.claim_id IN (SELECT claim_id FROM report_notice_items x WHERE x.supplier_key = s.supplier_key)), 0)::BIGINT AS stcs_at_risk,
    s.supplier_key
FROM report_notice_suppliers s
JOIN report_notice_items i USING (supplier_key)
GROUP BY s.supplier, s.abn, s.supplier_key
ORDER BY s.supplier, s.supplier_key;
