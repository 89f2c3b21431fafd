-- name: TopInstallers
-- The installers with the most STCs at risk among the claims in report_scope.
SELECT coalesce(c.installer_id, '(none given)') AS installer_id,
    count(*) FILTER (WHERE r.status = 'fail') AS claims_failed,
    sum(r.stcs_at_risk)::BIGINT AS stcs_at_risk
FROM report_scope r
JOIN report_claims c USING (claim_id, file_id)
GROUP BY ALL
HAVING sum(r.stcs_at_risk) > 0
ORDER BY stcs_at_risk DESC, installer_id
LIMIT 10;
