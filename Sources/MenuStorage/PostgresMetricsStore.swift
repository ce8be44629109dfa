public import Foundation
public import MenuModel
public import Postgres

/// Reads ``OCRMetrics`` from `ocr_events`, through hourly roll-ups for the hours that are over.
///
/// Hours that ended more than an hour ago are aggregated once into `ocr_event_hours` (and its bucket and provider
/// tables) and never touched again; a window is answered from those rows plus the raw events of its uncovered edges
/// (the partial first hour and the last one to two hours). Events are immutable and written at `now()` by
/// transactions far shorter than an hour, so an hour rolled up is complete. With a million events the route reads a
/// few hundred roll-up rows and a few thousand events.
public struct PostgresMetricsStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// A time window ending now; nil length means everything.
    public struct Window: Sendable, Equatable {
        public var name: String
        public var length: Duration?

        public static let all = Window(name: "all", length: nil)
        public static let known: [Window] = [
            Window(name: "1h", length: .seconds(3600)), Window(name: "24h", length: .seconds(86_400)),
            Window(name: "7d", length: .seconds(604_800)), Window(name: "30d", length: .seconds(2_592_000)), .all,
        ]

        public static func named(_ name: String) -> Window? { known.first { $0.name == name } }
    }

    /// Aggregates the hours that are over and not yet rolled up. Most calls find nothing to do with one read;
    /// concurrent callers that have work serialise on the state row, and the second finds it done.
    /// - Note: Blocks the calling thread; the first call over a large history scans it once.
    public func rollUp() throws {
        let check =
            "SELECT rolled_until < date_trunc('hour', now()) - interval '1 hour' AS behind FROM ocr_rollup_state"
        guard try connection.query(PostgresQuery(unsafeSQL: check)).first?.decode(Bool.self, column: "behind") == true
        else { return }
        try connection.withTransaction {
            let state = try connection.query(
                """
                SELECT rolled_until::text AS rolled_until,
                    (date_trunc('hour', now()) - interval '1 hour')::text AS cutoff,
                    rolled_until < date_trunc('hour', now()) - interval '1 hour' AS behind
                FROM ocr_rollup_state WHERE id = 1 FOR UPDATE
                """)
            guard let row = state.first, try row.decode(Bool.self, column: "behind") else { return }
            // Bound as values, so the planner sees the real range (a sub-select would look like a third of the table).
            let binds: [PostgresData] = [
                .text(try row.decode(String.self, column: "rolled_until")),
                .text(try row.decode(String.self, column: "cutoff")),
            ]
            let range = "occurred_at >= $1::timestamptz AND occurred_at < $2::timestamptz"
            try connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO ocr_event_hours (hour, \(Self.columnNames.joined(separator: ", ")))
                        SELECT date_trunc('hour', occurred_at), \(Self.aggregateColumns)
                        FROM ocr_events WHERE \(range) GROUP BY 1
                        """, binds: binds))
            try connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO ocr_event_hour_buckets
                        SELECT date_trunc('hour', occurred_at), \(Self.bucketExpression), count(*)
                        FROM ocr_events WHERE is_run AND \(range) GROUP BY 1, 2
                        """, binds: binds))
            try connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO ocr_event_hour_providers
                        SELECT date_trunc('hour', occurred_at), provider, count(*)
                        FROM ocr_events WHERE is_run AND provider IS NOT NULL AND \(range) GROUP BY 1, 2
                        """, binds: binds))
            try connection.query(
                PostgresQuery(
                    unsafeSQL:
                        "UPDATE ocr_rollup_state SET rolled_until = $2::timestamptz WHERE rolled_until = $1::timestamptz",
                    binds: [binds[0], binds[1]]))
        }
    }

    /// The estimated cost of every run since 00:00 UTC today and since the first of the month (UTC), for the
    /// OpenAI budgets: hours already rolled up from `ocr_event_hours`, the rest from the raw events (the last hour
    /// or two after ``rollUp()``), in whole nano-dollars as the roll-ups sum them. Only GPT vision's calls have a
    /// cost.
    public func openAISpend() throws -> OpenAISpend {
        try rollUp()
        let rows = try connection.query(
            """
            WITH bounds AS (
                SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day_start,
                    date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month_start,
                    (SELECT rolled_until FROM ocr_rollup_state WHERE id = 1) AS watermark
            ),
            parts AS (
                SELECT h.hour AS at, h.cost_nano_usd AS nano FROM ocr_event_hours h, bounds b
                WHERE h.hour >= b.month_start AND h.hour < b.watermark
                UNION ALL
                SELECT e.occurred_at, round(e.estimated_cost_usd * 1e9)::bigint FROM ocr_events e, bounds b
                WHERE e.occurred_at >= greatest(b.month_start, b.watermark) AND e.estimated_cost_usd > 0
            )
            SELECT coalesce(sum(p.nano) FILTER (WHERE p.at >= b.day_start), 0)::bigint AS day_nano,
                coalesce(sum(p.nano), 0)::bigint AS month_nano
            FROM bounds b LEFT JOIN parts p ON true
            GROUP BY b.day_start
            """)
        guard let row = rows.first else { return OpenAISpend(dayUSD: 0, monthUSD: 0) }
        return OpenAISpend(
            dayUSD: Double(try row.decode(Int.self, column: "day_nano")) / 1e9,
            monthUSD: Double(try row.decode(Int.self, column: "month_nano")) / 1e9)
    }

    /// The metrics of `window`, ending now.
    public func metrics(for window: Window) throws -> OCRMetrics {
        try rollUp()
        // One snapshot for every statement, so the counts, the histogram and the provider split agree with each
        // other while uploads keep writing events (and now() is the same instant throughout).
        return try connection.withTransaction {
            try readOnlySnapshot()
            let parts = try windowParts(window)
            var metrics = OCRMetrics()
            for raw in parts.raw { metrics.add(try aggregate(rawWhere: raw, binds: parts.binds)) }
            metrics.add(try aggregate(hoursWhere: parts.hours, binds: parts.binds))
            return metrics
        }
    }

    /// Makes the current transaction one read-only snapshot, and keeps its small range scans serial: with the
    /// watermark known only at run time, the planner would otherwise start parallel workers (20 ms each time) for a
    /// few thousand rows.
    private func readOnlySnapshot() throws {
        try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try connection.query("SET LOCAL max_parallel_workers_per_gather = 0")
    }

    /// Per hour of `window`: runs, fallbacks and processing time, oldest first.
    public func hourlySeries(for window: Window) throws -> [(hour: Date, runs: Int, fallbacks: Int, milliseconds: Int)]
    {
        try rollUp()
        return try connection.withTransaction { try series(for: window) }
    }

    private func series(for window: Window) throws -> [(hour: Date, runs: Int, fallbacks: Int, milliseconds: Int)] {
        try readOnlySnapshot()
        let parts = try windowParts(window)
        let binds = parts.binds
        let rawSeries = parts.raw.map {
            """
            UNION ALL
            SELECT date_trunc('hour', occurred_at), count(*) FILTER (WHERE is_run),
                count(*) FILTER (WHERE is_run AND fallback_triggered),
                coalesce(sum(processing_ms) FILTER (WHERE is_run), 0)
            FROM ocr_events WHERE \($0) GROUP BY 1
            """
        }.joined(separator: "\n")
        let rows = try connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT hour, sum(runs)::bigint AS runs, sum(fallbacks)::bigint AS fallbacks,
                        sum(processing_ms)::bigint AS processing_ms
                    FROM (
                        SELECT hour, runs, fallbacks, processing_ms FROM ocr_event_hours WHERE \(parts.hours)
                        \(rawSeries)
                    ) parts
                    GROUP BY hour ORDER BY hour
                    """, binds: binds))
        return try rows.map { row in
            (
                try row.decode(Date.self, column: "hour"), try row.decode(Int.self, column: "runs"),
                try row.decode(Int.self, column: "fallbacks"), try row.decode(Int.self, column: "processing_ms")
            )
        }
    }

    // MARK: - SQL

    /// Conditions for the roll-up hours and for the raw events that make up `window` together, with their binds
    /// (`$1` the roll-up watermark, `$2` the window's length in seconds). Values are bound, never spliced: only
    /// constant SQL text is assembled here.
    private func windowParts(_ window: Window) throws -> (hours: String, raw: [String], binds: [PostgresData]) {
        let watermark =
            try connection.query("SELECT rolled_until::text AS rolled_until FROM ocr_rollup_state WHERE id = 1")
            .first?.decode(String.self, column: "rolled_until") ?? "-infinity"
        guard let length = window.length else {
            return ("hour < $1::timestamptz", ["occurred_at >= $1::timestamptz"], [.text(watermark)])
        }
        let start = "(now() - make_interval(secs => $2::float8))"
        let firstWholeHour = "date_trunc('hour', \(start) + interval '1 hour' - interval '1 microsecond')"
        // Two plain ranges rather than one OR, so each is an index range scan: the partial first hour, and
        // everything after the roll-ups. They never overlap, and with the hours between they cover the window.
        return (
            "hour >= \(firstWholeHour) AND hour < $1::timestamptz",
            [
                "occurred_at >= \(start) AND occurred_at < least(\(firstWholeHour), $1::timestamptz)",
                "occurred_at >= greatest($1::timestamptz, \(start))",
            ],
            [.text(watermark), .text(String(length.seconds))]
        )
    }

    /// `width_bucket` counts the bounds below the time, which is the index of the first bound at or above it.
    static let bucketExpression = "width_bucket(processing_ms - 1, '\(ProcessingTimeBuckets.sqlArray)'::int[])"

    /// The roll-up's columns, in ``columnNames`` order. The cost is summed in whole nano-dollars, each event's
    /// rounded once: integer sums are the same however the hours are grouped, so the all-time cost, a Prometheus
    /// counter, never comes out lower after a roll-up (float sums could, by a rounding step).
    static let aggregateColumns = """
        count(*), count(*) FILTER (WHERE cached), count(*) FILTER (WHERE status = 'failed'),
        count(*) FILTER (WHERE is_run),
        count(*) FILTER (WHERE is_run AND tier = 1 AND NOT fallback_triggered AND status = 'success'),
        count(*) FILTER (WHERE is_run AND fallback_triggered),
        count(*) FILTER (WHERE is_run AND has_handwriting),
        coalesce(sum(item_count) FILTER (WHERE is_run), 0), coalesce(sum(price_error_count) FILTER (WHERE is_run), 0),
        coalesce(sum(price_error_item_count) FILTER (WHERE is_run), 0),
        coalesce(sum(processing_ms) FILTER (WHERE is_run), 0),
        coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0),
        coalesce(sum(round(estimated_cost_usd * 1e9)::bigint), 0)::bigint,
        max(occurred_at)
        """

    private static let columnNames = [
        "files", "cache_hits", "errors", "runs", "tier1", "fallbacks", "handwriting", "items", "price_errors",
        "price_error_items", "processing_ms", "prompt_tokens", "completion_tokens", "cost_nano_usd", "last_event",
    ]

    private func aggregate(rawWhere condition: String, binds: [PostgresData]) throws -> OCRMetrics {
        try aggregate(
            totals: "SELECT \(Self.aggregateColumns) FROM ocr_events WHERE \(condition)",
            buckets: """
                SELECT \(Self.bucketExpression) AS bucket, count(*) AS runs FROM ocr_events
                WHERE is_run AND \(condition) GROUP BY 1
                """,
            providers: """
                SELECT provider, count(*) AS runs FROM ocr_events
                WHERE is_run AND provider IS NOT NULL AND \(condition) GROUP BY 1
                """,
            binds: binds)
    }

    private func aggregate(hoursWhere condition: String, binds: [PostgresData]) throws -> OCRMetrics {
        let sums = Self.columnNames.dropLast().map {
            "coalesce(sum(\($0)), 0)::bigint"
        }
        return try aggregate(
            totals: "SELECT \(sums.joined(separator: ", ")), max(last_event) FROM ocr_event_hours WHERE \(condition)",
            buckets:
                "SELECT bucket, sum(runs)::bigint AS runs FROM ocr_event_hour_buckets WHERE \(condition) GROUP BY 1",
            providers: """
                SELECT provider, sum(runs)::bigint AS runs FROM ocr_event_hour_providers WHERE \(condition) GROUP BY 1
                """,
            binds: binds)
    }

    /// One part of a window, raw or rolled up: the totals row, then the histogram and the provider split.
    private func aggregate(totals: String, buckets: String, providers: String, binds: [PostgresData]) throws
        -> OCRMetrics
    {
        var metrics = try Self.metrics(
            from: try connection.query(PostgresQuery(unsafeSQL: totals, binds: binds)).first)
        for row in try connection.query(PostgresQuery(unsafeSQL: buckets, binds: binds)) {
            let bucket = try row.decode(Int.self, column: "bucket")
            if metrics.buckets.indices.contains(bucket) {
                metrics.buckets[bucket] += try row.decode(Int.self, column: "runs")
            }
        }
        for row in try connection.query(PostgresQuery(unsafeSQL: providers, binds: binds)) {
            metrics.runsByProvider[try row.decode(String.self, column: "provider"), default: 0] +=
                try row.decode(Int.self, column: "runs")
        }
        return metrics
    }

    /// The 15 aggregate columns, by position.
    private static func metrics(from row: PostgresRow?) throws -> OCRMetrics {
        var metrics = OCRMetrics()
        guard let row else { return metrics }
        metrics.files = try row.decode(Int.self, at: 0)
        metrics.cacheHits = try row.decode(Int.self, at: 1)
        metrics.errors = try row.decode(Int.self, at: 2)
        metrics.runs = try row.decode(Int.self, at: 3)
        metrics.tier1 = try row.decode(Int.self, at: 4)
        metrics.fallbacks = try row.decode(Int.self, at: 5)
        metrics.handwriting = try row.decode(Int.self, at: 6)
        metrics.items = try row.decode(Int.self, at: 7)
        metrics.priceErrors = try row.decode(Int.self, at: 8)
        metrics.priceErrorItems = try row.decode(Int.self, at: 9)
        metrics.processingMilliseconds = try row.decode(Int.self, at: 10)
        metrics.promptTokens = try row.decode(Int.self, at: 11)
        metrics.completionTokens = try row.decode(Int.self, at: 12)
        metrics.costNanoUSD = try row.decode(Int.self, at: 13)
        metrics.lastEvent = try row.decode(Date?.self, at: 14)
        return metrics
    }
}
