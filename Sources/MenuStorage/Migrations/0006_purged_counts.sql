-- What the tasks deleted after their retention had counted. The queue's claims and reclaims and the webhooks'
-- failed attempts are Prometheus counters, which must never go down; they are sums over the kept rows, so the
-- statement that purges tasks adds the purged rows' share here first (PostgresJobQueue.purgeTasks), and the
-- counters are the kept rows plus this row.
CREATE TABLE purged_counts (
    id integer PRIMARY KEY CHECK (id = 1),
    claims bigint NOT NULL,
    reclaims bigint NOT NULL,
    webhook_failed_attempts bigint NOT NULL
);
INSERT INTO purged_counts (id, claims, reclaims, webhook_failed_attempts) VALUES (1, 0, 0, 0);
