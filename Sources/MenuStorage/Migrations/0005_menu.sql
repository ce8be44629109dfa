-- The restaurant's current menu: one entry per dish, merged across its uploads. Readings (menu_items, one per
-- extracted item) name the entry they were merged into; a person's corrections, additions and deletions are entry
-- revisions, and a corrected or deleted entry keeps what the person said whatever later uploads read.
CREATE TABLE menu_entries (
    id uuid PRIMARY KEY,
    restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    name_ko text NOT NULL,
    name_en text,
    description text,
    category text,
    prices jsonb NOT NULL,
    market_price boolean NOT NULL,
    is_set boolean NOT NULL,
    confidence double precision NOT NULL,
    review_reasons text[] NOT NULL DEFAULT '{}',
    corrected boolean NOT NULL DEFAULT false,
    deleted boolean NOT NULL DEFAULT false,
    -- Where the newest reading came from; NULL for an item a person added.
    source_task_id uuid,
    source_file_index integer,
    source_file_name text,
    source_provider text,
    source_bbox jsonb,
    -- Bumped by every change: the ETag.
    revision integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX menu_entries_restaurant ON menu_entries (restaurant_id, category, name_ko) WHERE NOT deleted;

-- The dish keys (names without spaces and OCR noise) that lead to an entry: the name it was extracted under, and
-- every name a person corrected it to, so a later upload that reads either finds the entry.
CREATE TABLE menu_entry_keys (
    restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    dish_key text NOT NULL,
    entry_id uuid NOT NULL REFERENCES menu_entries (id) ON DELETE CASCADE,
    PRIMARY KEY (restaurant_id, dish_key)
);

-- Every change of an entry, the extraction first: who (extraction, key:<key id>, anonymous), what kind, the fields
-- given, and the entry as it stood after.
CREATE TABLE menu_revisions (
    id bigserial PRIMARY KEY,
    entry_id uuid NOT NULL REFERENCES menu_entries (id) ON DELETE CASCADE,
    revision integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('extracted', 'reading', 'corrected', 'added', 'deleted')),
    actor text NOT NULL,
    changes jsonb NOT NULL,
    snapshot jsonb NOT NULL,
    -- The provider whose reading was changed (for accuracy by provider); NULL for additions.
    provider text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (entry_id, revision)
);
CREATE INDEX menu_revisions_created_at ON menu_revisions (created_at);

ALTER TABLE menu_items ADD COLUMN entry_id uuid;
ALTER TABLE menu_items ADD COLUMN needs_review boolean NOT NULL DEFAULT false;
ALTER TABLE menu_items ADD COLUMN review_reasons text[] NOT NULL DEFAULT '{}';
