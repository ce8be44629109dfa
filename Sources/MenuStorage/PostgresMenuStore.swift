public import Foundation
public import JSON
public import MenuModel
public import Postgres

/// The restaurant's current menu in PostgreSQL: entries, the dish keys leading to them, and their revisions.
///
/// Uploads merge into it (``plan(of:restaurant:minimumConfidence:)``, written by the upload and job stores with the
/// results); people correct, add and delete entries here, each change a revision with who made it. A write that names
/// the revision it read (`If-Match`) fails with ``MenuStoreError/Code/stale`` when another change came first.
/// - Note: Every method blocks the calling thread until PostgreSQL answers.
public struct PostgresMenuStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    // MARK: - Merging uploads

    /// Plans how `outcomes`' items merge into the restaurant's menu, looking up which of their dish keys are known.
    public func plan(
        of outcomes: [FileOutcome], restaurant: UUID, minimumConfidence: Double
    ) throws -> MenuMergePlan {
        let keys = Set(outcomes.flatMap { $0.items.map(\.dishKey) })
        guard !keys.isEmpty else { return MenuMergePlan() }
        let rows = try connection.query(
            """
            SELECT dish_key, entry_id FROM menu_entry_keys
            WHERE restaurant_id = \(restaurant)
                AND dish_key IN (SELECT jsonb_array_elements_text(\(JSONValue.array(keys.sorted().map(JSONValue.string)).encodedString)::jsonb))
            """)
        var known: [String: UUID] = [:]
        for row in rows {
            known[try row.decode(String.self, column: "dish_key")] = try row.decode(UUID.self, column: "entry_id")
        }
        return MenuMergePlan(
            outcomes: outcomes, restaurant: restaurant, known: known, minimumConfidence: minimumConfidence)
    }

    // MARK: - Reading

    /// Filters of the current menu.
    public struct Filter: Sendable {
        public var needsReview: Bool?
        public var category: String?

        public init(needsReview: Bool? = nil, category: String? = nil) {
            self.needsReview = needsReview
            self.category = category
        }
    }

    /// A page of the restaurant's current menu (deleted entries left out), by category then name, and how many
    /// entries match in all.
    public func menu(of restaurant: UUID, filter: Filter, limit: Int, offset: Int) throws -> (
        entries: [MenuEntry], total: Int
    ) {
        let rows = try connection.query(
            """
            SELECT *, count(*) OVER () AS total FROM menu_entries
            WHERE restaurant_id = \(restaurant) AND NOT deleted
                AND (\(filter.category)::text IS NULL OR category = \(filter.category))
                AND (\(filter.needsReview)::boolean IS NULL
                    OR (NOT corrected AND cardinality(review_reasons) > 0) = \(filter.needsReview))
            ORDER BY category NULLS LAST, name_ko, id
            LIMIT \(limit) OFFSET \(offset)
            """)
        var total = try rows.first?.decode(Int.self, column: "total") ?? 0
        if rows.isEmpty, offset > 0 {
            total =
                try connection.query(
                    """
                    SELECT count(*) AS n FROM menu_entries
                    WHERE restaurant_id = \(restaurant) AND NOT deleted
                        AND (\(filter.category)::text IS NULL OR category = \(filter.category))
                        AND (\(filter.needsReview)::boolean IS NULL
                            OR (NOT corrected AND cardinality(review_reasons) > 0) = \(filter.needsReview))
                    """
                ).first?.decode(Int.self, column: "n") ?? 0
        }
        return (try rows.map(Self.entry), total)
    }

    /// One entry of the restaurant's menu, deleted ones included; nil when the restaurant has no such entry (another
    /// restaurant's entry is no such entry).
    public func entry(_ id: UUID, of restaurant: UUID) throws -> MenuEntry? {
        try connection.query("SELECT * FROM menu_entries WHERE id = \(id) AND restaurant_id = \(restaurant)")
            .first.map(Self.entry)
    }

    /// One revision of an entry.
    public struct Revision: Sendable {
        public var revision: Int
        /// `extracted`, `reading`, `corrected`, `added` or `deleted`.
        public var kind: String
        /// `extraction`, `key:<key id>` or `anonymous`.
        public var actor: String
        /// The fields the change gave (for readings, the task).
        public var changes: JSONValue
        public var createdAt: Date
    }

    /// Every revision of an entry, the first first; nil when the restaurant has no such entry.
    public func history(of id: UUID, restaurant: UUID) throws -> [Revision]? {
        guard try entry(id, of: restaurant) != nil else { return nil }
        return try connection.query(
            """
            SELECT revision, kind, actor, changes::text AS changes, created_at FROM menu_revisions
            WHERE entry_id = \(id) ORDER BY revision
            """
        ).map { row in
            Revision(
                revision: try row.decode(Int.self, column: "revision"),
                kind: try row.decode(String.self, column: "kind"), actor: try row.decode(String.self, column: "actor"),
                changes: try JSONParser.parse(try row.decode(String.self, column: "changes")),
                createdAt: try row.decode(Date.self, column: "created_at"))
        }
    }

    /// What people did to the menus over the last `window` (nil: all time), per provider of the items.
    public func reviewMetrics(over window: Duration?) throws -> ReviewMetrics {
        let rows = try connection.query(
            """
            SELECT coalesce(provider, 'none') AS provider,
                count(*) FILTER (WHERE kind = 'extracted') AS extracted,
                count(DISTINCT entry_id) FILTER (WHERE kind = 'corrected') AS corrected,
                count(*) FILTER (WHERE kind = 'deleted') AS deleted,
                count(*) FILTER (WHERE kind = 'added') AS added,
                count(DISTINCT entry_id) FILTER (
                    WHERE kind = 'corrected' AND (changes ? 'name_ko' OR changes ? 'prices')) AS changed
            FROM menu_revisions
            WHERE \(window == nil) OR created_at >= now() - make_interval(secs => \(window?.totalSeconds ?? 0))
            GROUP BY 1 ORDER BY 1
            """)
        return ReviewMetrics(
            providers: try rows.map { row in
                ReviewMetrics.Provider(
                    provider: try row.decode(String.self, column: "provider"),
                    extracted: try row.decode(Int.self, column: "extracted"),
                    corrected: try row.decode(Int.self, column: "corrected"),
                    deleted: try row.decode(Int.self, column: "deleted"),
                    added: try row.decode(Int.self, column: "added"),
                    nameOrPriceChanged: try row.decode(Int.self, column: "changed"))
            })
    }

    // MARK: - People's changes

    /// A person's change of an entry's fields; nil leaves a field as it is (`name_en`, `description` and `category`
    /// are cleared by an explicit null, kept in ``clears``).
    public struct Change: Sendable, Equatable {
        public var nameKorean: String?
        public var nameEnglish: String?
        public var description: String?
        public var category: String?
        public var prices: [MenuPrice]?
        public var isMarketPrice: Bool?
        /// Fields set to null: `name_en`, `description`, `category`.
        public var clears: Set<String> = []

        public init(
            nameKorean: String? = nil, nameEnglish: String? = nil, description: String? = nil,
            category: String? = nil, prices: [MenuPrice]? = nil, isMarketPrice: Bool? = nil,
            clears: Set<String> = []
        ) {
            self.nameKorean = nameKorean
            self.nameEnglish = nameEnglish
            self.description = description
            self.category = category
            self.prices = prices
            self.isMarketPrice = isMarketPrice
            self.clears = clears
        }

        /// The change as the revision records it.
        var json: JSONValue {
            var members: [(String, JSONValue)] = []
            if let nameKorean { members.append(("name_ko", .string(nameKorean))) }
            if let nameEnglish { members.append(("name_en", .string(nameEnglish))) }
            if let description { members.append(("description", .string(description))) }
            if let category { members.append(("category", .string(category))) }
            if let prices { members.append(("prices", .array(prices.map(\.json)))) }
            if let isMarketPrice { members.append(("market_price", .bool(isMarketPrice))) }
            for field in clears.sorted() { members.append((field, .null)) }
            return .object(members)
        }
    }

    /// Applies a person's change: a new revision, the entry `corrected` (so later uploads leave it as it is) with no
    /// review reasons left; a new name also becomes a dish key of the entry.
    /// - Parameter expectedRevision: the revision the person read (`If-Match`), or nil for the last write wins.
    /// - Returns: the entry after the change, or nil when the restaurant has no such entry (or it was deleted).
    /// - Throws: ``MenuStoreError`` `stale` when `expectedRevision` is not the entry's; `duplicate` when the new name
    ///   is another entry's.
    public func correct(
        _ id: UUID, of restaurant: UUID, with change: Change, actor: String, expectedRevision: Int?
    ) throws -> MenuEntry? {
        try connection.withTransaction {
            guard let current = try lockedEntry(id, of: restaurant), !current.deleted else { return nil }
            try check(current, expectedRevision: expectedRevision)
            if let name = change.nameKorean { try addKey(MenuItem.dishKey(of: name), for: id, restaurant: restaurant) }
            let rows = try connection.query(
                """
                UPDATE menu_entries SET name_ko = coalesce(\(change.nameKorean), name_ko),
                    name_en = CASE WHEN \(change.clears.contains("name_en")) THEN NULL
                        ELSE coalesce(\(change.nameEnglish), name_en) END,
                    description = CASE WHEN \(change.clears.contains("description")) THEN NULL
                        ELSE coalesce(\(change.description), description) END,
                    category = CASE WHEN \(change.clears.contains("category")) THEN NULL
                        ELSE coalesce(\(change.category), category) END,
                    prices = coalesce(\(change.prices.map { JSONValue.array($0.map(\.json)).encodedString })::jsonb, prices),
                    market_price = coalesce(\(change.isMarketPrice), market_price),
                    corrected = true, review_reasons = '{}', revision = revision + 1, updated_at = now()
                WHERE id = \(id)
                RETURNING *
                """)
            guard let row = rows.first else { return nil }
            let entry = try Self.entry(row)
            try recordRevision(of: entry, kind: "corrected", actor: actor, changes: change.json)
            return entry
        }
    }

    /// Adds an item the OCR missed (or brings back a deleted one of the same name) as a corrected entry.
    /// - Throws: ``MenuStoreError`` `duplicate` when the restaurant's menu already has the dish.
    public func add(_ item: MenuItem, to restaurant: UUID, actor: String) throws -> MenuEntry {
        try connection.withTransaction {
            let key = item.dishKey
            let existing = try connection.query(
                """
                SELECT e.id, e.deleted FROM menu_entry_keys k JOIN menu_entries e ON e.id = k.entry_id
                WHERE k.restaurant_id = \(restaurant) AND k.dish_key = \(key)
                FOR UPDATE OF e
                """
            ).first
            if let existing, try !existing.decode(Bool.self, column: "deleted") {
                throw MenuStoreError(.duplicate, "The menu already has \(item.nameKorean)")
            }
            let id =
                try existing?.decode(UUID.self, column: "id")
                ?? MenuMergePlan.entryID(restaurant: restaurant, dishKey: key)
            let rows = try connection.query(
                """
                INSERT INTO menu_entries AS m (id, restaurant_id, name_ko, name_en, description, category, prices,
                    market_price, is_set, confidence, corrected)
                VALUES (\(id), \(restaurant), \(item.nameKorean), \(item.nameEnglish), \(item.description),
                    \(item.category), \(JSONValue.array(item.prices.map(\.json)).encodedString)::jsonb,
                    \(item.isMarketPrice), \(item.isSet), 1, true)
                ON CONFLICT (id) DO UPDATE SET name_ko = EXCLUDED.name_ko, name_en = EXCLUDED.name_en,
                    description = EXCLUDED.description, category = EXCLUDED.category, prices = EXCLUDED.prices,
                    market_price = EXCLUDED.market_price, is_set = EXCLUDED.is_set, confidence = 1, corrected = true,
                    deleted = false, review_reasons = '{}', revision = m.revision + 1, updated_at = now()
                RETURNING *
                """)
            guard let row = rows.first else { throw StorageError("INSERT ... RETURNING returned no row") }
            try addKey(key, for: id, restaurant: restaurant)
            let entry = try Self.entry(row)
            try recordRevision(of: entry, kind: "added", actor: actor, changes: item.json)
            return entry
        }
    }

    /// Deletes an entry that is not a dish: it leaves the menu, stays in history, and later readings of it change
    /// nothing.
    /// - Returns: false when the restaurant has no such entry (or it is deleted already).
    public func delete(_ id: UUID, of restaurant: UUID, actor: String, expectedRevision: Int?) throws -> Bool {
        try connection.withTransaction {
            guard let current = try lockedEntry(id, of: restaurant), !current.deleted else { return false }
            try check(current, expectedRevision: expectedRevision)
            let rows = try connection.query(
                """
                UPDATE menu_entries SET deleted = true, revision = revision + 1, updated_at = now()
                WHERE id = \(id) RETURNING *
                """)
            guard let row = rows.first else { return false }
            try recordRevision(of: try Self.entry(row), kind: "deleted", actor: actor, changes: .object([]))
            return true
        }
    }

    // MARK: - Pieces

    private func lockedEntry(_ id: UUID, of restaurant: UUID) throws -> MenuEntry? {
        try connection.query(
            "SELECT * FROM menu_entries WHERE id = \(id) AND restaurant_id = \(restaurant) FOR UPDATE"
        ).first.map(Self.entry)
    }

    private func check(_ entry: MenuEntry, expectedRevision: Int?) throws {
        if let expectedRevision, expectedRevision != entry.revision {
            throw MenuStoreError(.stale, "The item changed since it was read (now \(entry.etag))")
        }
    }

    /// Makes `key` lead to the entry; a key that leads to another entry is a duplicate dish.
    private func addKey(_ key: String, for id: UUID, restaurant: UUID) throws {
        let rows = try connection.query(
            """
            INSERT INTO menu_entry_keys (restaurant_id, dish_key, entry_id) VALUES (\(restaurant), \(key), \(id))
            ON CONFLICT (restaurant_id, dish_key) DO UPDATE SET entry_id = menu_entry_keys.entry_id
            RETURNING entry_id
            """)
        guard try rows.first?.decode(UUID.self, column: "entry_id") == id else {
            throw MenuStoreError(.duplicate, "Another item of the menu has this name")
        }
    }

    private func recordRevision(of entry: MenuEntry, kind: String, actor: String, changes: JSONValue) throws {
        try connection.query(
            """
            INSERT INTO menu_revisions (entry_id, revision, kind, actor, changes, snapshot, provider)
            SELECT id, revision, \(kind), \(actor), \(changes.encodedString)::jsonb, to_jsonb(menu_entries),
                source_provider
            FROM menu_entries WHERE id = \(entry.id)
            """)
    }

    /// A stored box, which this store wrote: anything else is a corrupt row.
    private static func box(_ text: String?) throws -> MenuBox? {
        guard let text, text != "null" else { return nil }
        guard let box = MenuBox(json: try JSONParser.parse(text)) else {
            throw StorageError("menu_entries.source_bbox is no box: \(text.prefix(80))")
        }
        return box
    }

    static func entry(_ row: PostgresRow) throws -> MenuEntry {
        let prices: [MenuPrice]
        do {
            prices = try JSONDecoder().decode(
                [MenuPrice].self, from: Data(try row.decode(String.self, column: "prices").utf8))
        } catch {
            throw StorageError("menu_entries.prices is no list of prices: \(error)")
        }
        let reasons = try PostgresTextArray.elements(of: try row.decode(String.self, column: "review_reasons"))
            .compactMap(ReviewReason.init(rawValue:))
        var source: MenuEntry.Source?
        if let task = try row.decode(UUID?.self, column: "source_task_id") {
            source = MenuEntry.Source(
                task: task, fileIndex: try row.decode(Int?.self, column: "source_file_index") ?? 0,
                fileName: try row.decode(String?.self, column: "source_file_name") ?? "",
                provider: try row.decode(String?.self, column: "source_provider") ?? "unknown",
                box: try Self.box(try row.decode(String?.self, column: "source_bbox")))
        }
        return MenuEntry(
            id: try row.decode(UUID.self, column: "id"), restaurant: try row.decode(UUID.self, column: "restaurant_id"),
            item: MenuItem(
                nameKorean: try row.decode(String.self, column: "name_ko"),
                nameEnglish: try row.decode(String?.self, column: "name_en"),
                description: try row.decode(String?.self, column: "description"),
                category: try row.decode(String?.self, column: "category"), prices: prices,
                isMarketPrice: try row.decode(Bool.self, column: "market_price"),
                isSet: try row.decode(Bool.self, column: "is_set"),
                confidence: try row.decode(Double.self, column: "confidence")),
            reviewReasons: reasons,
            corrected: try row.decode(Bool.self, column: "corrected"),
            deleted: try row.decode(Bool.self, column: "deleted"), source: source,
            revision: try row.decode(Int.self, column: "revision"),
            updatedAt: try row.decode(Date.self, column: "updated_at"))
    }
}
