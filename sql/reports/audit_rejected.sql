-- name: AuditRejected
-- Rows rejected and files rejected whole among the files with ids in ($1, $2]:
-- the files an audit run's rejects.csv covers.
SELECT
    (SELECT count(*) FROM rejects WHERE file_id > ?1 AND file_id <= ?2 AND line IS NOT NULL) AS rows_rejected,
    (SELECT count(*) FROM files WHERE file_id > ?1 AND file_id <= ?2 AND status = 'rejected') AS files_rejected;
