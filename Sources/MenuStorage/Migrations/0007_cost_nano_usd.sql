-- The roll-ups' cost in whole nano-dollars instead of a float sum. menu_api_ocr_estimated_cost_usd_total is a
-- Prometheus counter: read as float sums, grouped one way before an hour is rolled up and another way after, it
-- could come out a rounding step lower, which Prometheus takes for a reset. Integer sums are exact in any grouping.
-- Each event's cost is rounded to the nano-dollar once, the same way here and in PostgresMetricsStore.
ALTER TABLE ocr_event_hours ADD COLUMN cost_nano_usd bigint;
UPDATE ocr_event_hours SET cost_nano_usd = coalesce((
    SELECT sum(round(estimated_cost_usd * 1e9)::bigint) FROM ocr_events
    WHERE occurred_at >= ocr_event_hours.hour AND occurred_at < ocr_event_hours.hour + interval '1 hour'
), 0);
ALTER TABLE ocr_event_hours ALTER COLUMN cost_nano_usd SET NOT NULL;
ALTER TABLE ocr_event_hours DROP COLUMN cost_usd;
