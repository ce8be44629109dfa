-- API keys per restaurant. Only a SHA-256 digest is stored: keys are 32 random bytes, so a fast digest is enough
-- (there is nothing to brute-force), and a database leak does not leak usable keys.
CREATE TABLE restaurant_api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    key_prefix text NOT NULL,
    key_digest bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX restaurant_api_keys_restaurant ON restaurant_api_keys (restaurant_id);

-- OCR results by image and pipeline: cache_key = SHA-256(image bytes || pipeline version).
CREATE TABLE ocr_cache (
    cache_key bytea PRIMARY KEY,
    image_sha256 bytea NOT NULL,
    pipeline_version text NOT NULL,
    result jsonb NOT NULL,
    result_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX ocr_cache_expires_at ON ocr_cache (expires_at);

CREATE TABLE upload_tasks (
    id uuid PRIMARY KEY,
    restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('processing', 'completed', 'failed', 'interrupted')),
    total integer NOT NULL CHECK (total >= 0),
    successful integer NOT NULL DEFAULT 0,
    failed integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    -- The database session of the worker running the task: when that session is gone (the process died), a task
    -- still 'processing' can never finish, and the next start marks it 'interrupted'.
    owner_pid integer,
    owner_backend_start timestamptz
);
CREATE INDEX upload_tasks_restaurant ON upload_tasks (restaurant_id, created_at DESC);
CREATE INDEX upload_tasks_processing ON upload_tasks (created_at) WHERE status = 'processing';

-- One row per uploaded file, holding the file's entry of the response as written.
CREATE TABLE upload_results (
    task_id uuid NOT NULL REFERENCES upload_tasks (id) ON DELETE CASCADE,
    file_index integer NOT NULL,
    file_name text NOT NULL,
    status text NOT NULL CHECK (status IN ('success', 'failed')),
    image_sha256 bytea,
    body jsonb NOT NULL,
    PRIMARY KEY (task_id, file_index)
);

CREATE TABLE menu_items (
    id bigserial PRIMARY KEY,
    restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    task_id uuid NOT NULL,
    file_index integer NOT NULL,
    position integer NOT NULL,
    name_ko text NOT NULL,
    name_en text,
    description text,
    category text,
    prices jsonb NOT NULL,
    market_price boolean NOT NULL,
    is_set boolean NOT NULL,
    confidence double precision NOT NULL,
    provider text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (task_id, file_index) REFERENCES upload_results (task_id, file_index) ON DELETE CASCADE
);
CREATE INDEX menu_items_restaurant ON menu_items (restaurant_id, id DESC);

-- One row per processed file, written with its upload result; the metrics are aggregates over these rows, never
-- counters updated in place.
CREATE TABLE ocr_events (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    restaurant_id uuid,
    task_id uuid,
    image_sha256 bytea,
    cached boolean NOT NULL,
    -- True when the file reached a provider: not a cache hit, not refused before OCR. Metrics call these "runs".
    is_run boolean NOT NULL,
    provider text,
    tier integer,
    attempts jsonb NOT NULL DEFAULT '[]',
    fallback_triggered boolean NOT NULL DEFAULT false,
    fallback_codes text[] NOT NULL DEFAULT '{}',
    has_handwriting boolean NOT NULL DEFAULT false,
    item_count integer NOT NULL DEFAULT 0,
    price_count integer NOT NULL DEFAULT 0,
    price_error_count integer NOT NULL DEFAULT 0,
    price_error_item_count integer NOT NULL DEFAULT 0,
    confidence double precision,
    processing_ms integer NOT NULL,
    status text NOT NULL CHECK (status IN ('success', 'failed')),
    error_kind text,
    prompt_tokens integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    estimated_cost_usd double precision NOT NULL DEFAULT 0
);
CREATE INDEX ocr_events_occurred_at ON ocr_events (occurred_at);
