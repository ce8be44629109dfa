-- Restaurants own uploads, tasks and extracted menus. gen_random_uuid() is built in since PostgreSQL 13.
CREATE TABLE restaurants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
