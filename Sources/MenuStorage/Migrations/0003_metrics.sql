-- Hourly roll-ups of ocr_events for hours that are over (older than an hour), so the metrics route reads a few
-- hundred rows instead of millions. Rows are written once per hour and never updated: the figures stay exact
-- aggregates of the events, with no counter updated in place.
CREATE TABLE ocr_event_hours (
    hour timestamptz PRIMARY KEY,
    files bigint NOT NULL,
    cache_hits bigint NOT NULL,
    errors bigint NOT NULL,
    runs bigint NOT NULL,
    tier1 bigint NOT NULL,
    fallbacks bigint NOT NULL,
    handwriting bigint NOT NULL,
    items bigint NOT NULL,
    price_errors bigint NOT NULL,
    price_error_items bigint NOT NULL,
    processing_ms bigint NOT NULL,
    prompt_tokens bigint NOT NULL,
    completion_tokens bigint NOT NULL,
    cost_usd double precision NOT NULL,
    last_event timestamptz NOT NULL
);

-- Processing-time histogram of the runs per hour (bucket index into the bounds the service defines).
CREATE TABLE ocr_event_hour_buckets (
    hour timestamptz NOT NULL,
    bucket integer NOT NULL,
    runs bigint NOT NULL,
    PRIMARY KEY (hour, bucket)
);

CREATE TABLE ocr_event_hour_providers (
    hour timestamptz NOT NULL,
    provider text NOT NULL,
    runs bigint NOT NULL,
    PRIMARY KEY (hour, provider)
);

-- Everything before rolled_until is in the roll-up tables; the single row is locked while a roll-up runs.
CREATE TABLE ocr_rollup_state (
    id integer PRIMARY KEY CHECK (id = 1),
    rolled_until timestamptz NOT NULL
);
INSERT INTO ocr_rollup_state (id, rolled_until) VALUES (1, '-infinity');

CREATE INDEX ocr_events_runs ON ocr_events (occurred_at) WHERE is_run;
