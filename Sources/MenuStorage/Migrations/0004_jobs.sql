-- Asynchronous uploads: PostgreSQL is the queue. A task's files wait in upload_files until a worker claims one
-- (SELECT ... FOR UPDATE SKIP LOCKED) under a lease it keeps extending while it works; a worker that dies stops
-- extending, and once the lease is over another worker claims the file again.
ALTER TABLE upload_tasks DROP CONSTRAINT upload_tasks_status_check;
ALTER TABLE upload_tasks ADD CONSTRAINT upload_tasks_status_check
    CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'interrupted'));
-- Async tasks are run by workers, not by the session that created them: the start-up sweep leaves them alone.
ALTER TABLE upload_tasks ADD COLUMN is_async boolean NOT NULL DEFAULT false;
-- An upload's own callback_url (form field); the restaurant's webhook otherwise.
ALTER TABLE upload_tasks ADD COLUMN callback_url text;

CREATE TABLE upload_files (
    task_id uuid NOT NULL REFERENCES upload_tasks (id) ON DELETE CASCADE,
    file_index integer NOT NULL,
    file_name text NOT NULL,
    -- The PDF page the image was rendered from; NULL for an uploaded image.
    page integer,
    state text NOT NULL CHECK (state IN ('queued', 'claimed', 'done')),
    -- How many times a worker took the file; past OCR_MAX_CLAIMS it fails as worker_lost.
    claims integer NOT NULL DEFAULT 0,
    claimed_by text,
    lease_until timestamptz,
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, file_index)
);
-- Claims and the readiness check read files not done through this index (their queries repeat the predicate so
-- the planner sees it), never the done rows kept for the retention period.
CREATE INDEX upload_files_waiting ON upload_files (queued_at, task_id, file_index) WHERE state <> 'done';

-- Image bytes until their file is done (the cache keeps the result). Apart from the queue rows, so that claiming
-- never reads them, and so that another byte store (an object store) replaces this table alone.
CREATE TABLE upload_file_bytes (
    task_id uuid NOT NULL,
    file_index integer NOT NULL,
    bytes bytea NOT NULL,
    PRIMARY KEY (task_id, file_index),
    FOREIGN KEY (task_id, file_index) REFERENCES upload_files (task_id, file_index) ON DELETE CASCADE
);

-- One event per file of a task, whatever re-claims happen: the constraint proves it.
ALTER TABLE ocr_events ADD COLUMN file_index integer;
CREATE UNIQUE INDEX ocr_events_one_per_file ON ocr_events (task_id, file_index)
    WHERE task_id IS NOT NULL AND file_index IS NOT NULL;

-- A restaurant's webhook. The secret signs every delivery (HMAC-SHA256), so it is kept as is: it is shown once
-- when set, and never in a response or a log.
ALTER TABLE restaurants ADD COLUMN webhook_url text;
ALTER TABLE restaurants ADD COLUMN webhook_secret text;

-- One delivery per ended task and URL, sent at least once: pending until a 2xx answer (sent) or until the retries
-- give up (failed). next_attempt_at doubles as the claim: a worker sending it pushes it past the send timeout.
CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY,
    task_id uuid NOT NULL REFERENCES upload_tasks (id) ON DELETE CASCADE,
    url text NOT NULL,
    event text NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';

CREATE TABLE webhook_attempts (
    delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    http_status integer,
    duration_ms integer NOT NULL,
    error text,
    PRIMARY KEY (delivery_id, attempt)
);

-- Idempotency keys per restaurant: the first request with a key runs, later ones with the same key and the same
-- request get its answer back. A key 'running' whose session is gone, or past running_until, belongs to a request
-- that died.
CREATE TABLE idempotency_keys (
    restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    key text NOT NULL,
    request_sha256 bytea NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'done')),
    task_id uuid,
    response_status integer,
    response_body text,
    created_at timestamptz NOT NULL DEFAULT now(),
    running_until timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    -- The database session of the request holding a running key: once it is gone (the process died) the key is
    -- free at once, without waiting for running_until.
    owner_pid integer,
    owner_backend_start timestamptz,
    PRIMARY KEY (restaurant_id, key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);

-- Items outlive the task that extracted them: tasks follow TASK_RETENTION_DAYS, the restaurant's menu does not.
ALTER TABLE menu_items DROP CONSTRAINT menu_items_task_id_file_index_fkey;
