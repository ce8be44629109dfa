import Foundation
import JSON
import Logging
import MenuKnowledgeTesting
import MenuModel
import MenuStorage
import Postgres
import Testing

/// Windows, roll-ups and Prometheus output against a real PostgreSQL, with events written at chosen times.
struct PostgresMetricsStoreTests {
    static func migratedSchema() throws -> (ScratchSchema, PostgresConnection) {
        let schema = try ScratchSchema()
        return (schema, try schema.makeMigratedConnection())
    }

    /// One event `ago` seconds before now.
    static func insertEvent(
        _ connection: PostgresConnection, ago seconds: Int, cached: Bool = false, provider: String = "gpt_vision",
        tier: Int = 1, fallback: Bool = false, milliseconds: Int = 3000, status: String = "success",
        items: Int = 10, priceErrorItems: Int = 0, handwriting: Bool = false
    ) throws {
        try connection.query(
            """
            INSERT INTO ocr_events (occurred_at, cached, is_run, provider, tier, fallback_triggered, has_handwriting,
                item_count, price_error_count, price_error_item_count, processing_ms, status, prompt_tokens,
                completion_tokens, estimated_cost_usd)
            VALUES (now() - make_interval(secs => \(seconds)), \(cached), \(!cached), \(provider), \(tier),
                \(fallback), \(handwriting), \(items), \(priceErrorItems), \(priceErrorItems), \(milliseconds),
                \(status), \(cached ? 0 : 1000), \(cached ? 0 : 100), \(cached ? 0.0 : 0.001))
            """)
    }

    /// Four events, one of each kind, at `ages` seconds before now: a tier 1 run of 0.9 s, a fallback to CLOVA of
    /// 4.5 s, a cache hit, and a failed tier 1 run of 12 s.
    static func insertMix(_ connection: PostgresConnection, ages: [Int]) throws {
        try insertEvent(connection, ago: ages[0], milliseconds: 900)
        try insertEvent(connection, ago: ages[1], provider: "clova", tier: 2, fallback: true, milliseconds: 4500)
        try insertEvent(connection, ago: ages[2], cached: true)
        try insertEvent(connection, ago: ages[3], milliseconds: 12_000, status: "failed")
    }

    @Test func windowsCutByTimeThroughRollUpsAndRawEvents() throws {
        let (schema, connection) = try Self.migratedSchema()
        defer {
            connection.close()
            schema.drop()
        }
        // Spread over rolled-up hours (days ago), the raw tail (minutes ago) and a window's partial first hour.
        let ages = [60, 600, 3000, 4000, 7300, 20_000, 86_000, 90_000, 200_000, 700_000, 3_000_000]
        for age in ages { try Self.insertEvent(connection, ago: age) }
        try Self.insertEvent(connection, ago: 120, cached: true)
        let store = PostgresMetricsStore(connection: connection)
        let expected: [String: Int] = ["1h": 3, "24h": 7, "7d": 9, "30d": 10, "all": 11]
        for (name, runs) in expected {
            let metrics = try store.metrics(for: try #require(PostgresMetricsStore.Window.named(name)))
            #expect(metrics.runs == runs, "window \(name)")
            #expect(metrics.files == runs + 1, "window \(name)")
            #expect(metrics.cacheHits == 1, "window \(name)")
        }
        // The roll-up really ran, and a second call (with the hours now rolled up) gives the same figures.
        #expect(
            try connection.query("SELECT count(*) AS n FROM ocr_event_hours").first?.decode(Int.self, at: 0) ?? 0 >= 6)
        let again = try store.metrics(for: .all)
        #expect(again.runs == 11)
        #expect(again.processingMilliseconds == 33_000)
        #expect(again.buckets.reduce(0, +) == 11)
        #expect(again.runsByProvider == ["gpt_vision": 11])
    }

    /// The OpenAI budget's figure: the UTC day's and month's costs through the roll-ups and the raw tail, equal to
    /// a direct sum of the events, with last month's left out.
    @Test func openAISpendSumsTheUTCDayAndMonth() throws {
        let (schema, connection) = try Self.migratedSchema()
        defer {
            connection.close()
            schema.drop()
        }
        let monthStart = "date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        let dayStart = "date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        // Last month's last hour, this month's first minute, three hours ago (rolled up), ten seconds ago (raw).
        for (at, cost) in [
            ("\(monthStart) - interval '1 hour'", 1.0), ("\(monthStart) + interval '1 minute'", 0.25),
            ("now() - interval '3 hours'", 0.125), ("now() - interval '10 seconds'", 0.0625),
        ] {
            try connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO ocr_events (occurred_at, cached, is_run, provider, tier, processing_ms, status,
                            estimated_cost_usd)
                        VALUES (least(\(at), now()), false, true, 'gpt_vision', 1, 3000, 'success', $1)
                        """, binds: [.text(String(cost))]))
        }
        let direct = try #require(
            try connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT coalesce(sum(estimated_cost_usd) FILTER (WHERE occurred_at >= \(dayStart)), 0) AS day,
                            coalesce(sum(estimated_cost_usd) FILTER (WHERE occurred_at >= \(monthStart)), 0) AS month
                        FROM ocr_events
                        """)
            ).first)
        let expected = OpenAISpend(
            dayUSD: try direct.decode(Double.self, column: "day"),
            monthUSD: try direct.decode(Double.self, column: "month"))
        let store = PostgresMetricsStore(connection: connection)

        let spend = try store.openAISpend()

        #expect(spend == expected)
        #expect(spend.monthUSD >= 0.0625 && spend.monthUSD < 1)
        #expect(spend.dayUSD >= 0.0625)
        #expect(
            try connection.query("SELECT count(*) AS n FROM ocr_event_hours").first?.decode(Int.self, at: 0) ?? 0 >= 1,
            "the older hours were rolled up")
        #expect(try store.openAISpend() == expected)
    }

    @Test func figuresMatchADirectAggregateOfTheEvents() throws {
        let (schema, connection) = try Self.migratedSchema()
        defer {
            connection.close()
            schema.drop()
        }
        try connection.query(
            """
            INSERT INTO ocr_events (occurred_at, cached, is_run, provider, tier, fallback_triggered, has_handwriting,
                item_count, price_error_count, price_error_item_count, processing_ms, status)
            SELECT now() - i * interval '97 seconds', i % 4 = 0, i % 4 <> 0,
                CASE WHEN i % 5 = 0 THEN 'clova' ELSE 'gpt_vision' END, CASE WHEN i % 5 = 0 THEN 2 ELSE 1 END,
                i % 5 = 0, i % 9 = 0, 8, (i % 6 = 0)::int, (i % 6 = 0)::int, 1000 + (i * 37) % 5000,
                CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'success' END
            FROM generate_series(1, 5000) i
            """)
        let metrics = try PostgresMetricsStore(connection: connection).metrics(for: .all)
        let direct = try #require(
            try connection.query(
                """
                SELECT count(*) AS files, count(*) FILTER (WHERE is_run) AS runs,
                    count(*) FILTER (WHERE is_run AND tier = 1 AND NOT fallback_triggered AND status = 'success') AS tier1,
                    count(*) FILTER (WHERE is_run AND fallback_triggered) AS fallbacks,
                    count(*) FILTER (WHERE status = 'failed') AS errors,
                    sum(processing_ms) FILTER (WHERE is_run) AS ms,
                    count(*) FILTER (WHERE is_run AND has_handwriting) AS handwriting
                FROM ocr_events
                """
            ).first)
        #expect(metrics.files == (try direct.decode(Int.self, column: "files")))
        #expect(metrics.runs == (try direct.decode(Int.self, column: "runs")))
        #expect(metrics.tier1 == (try direct.decode(Int.self, column: "tier1")))
        #expect(metrics.fallbacks == (try direct.decode(Int.self, column: "fallbacks")))
        #expect(metrics.errors == (try direct.decode(Int.self, column: "errors")))
        #expect(metrics.processingMilliseconds == (try direct.decode(Int.self, column: "ms")))
        #expect(metrics.handwriting == (try direct.decode(Int.self, column: "handwriting")))
    }

    @Test func prometheusOutputIsWellFormedAndMatchesTheJSON() throws {
        let (schema, connection) = try Self.migratedSchema()
        defer {
            connection.close()
            schema.drop()
        }
        try Self.insertMix(connection, ages: [10, 20, 30, 40_000])
        let metrics = try PostgresMetricsStore(connection: connection).metrics(for: .all)
        let text = MetricsFormat.prometheus(total: metrics, window: metrics, windowName: "all")
        let values = try Self.samples(text)
        let json = MetricsFormat.json(metrics, window: "all")
        #expect(values["menu_api_ocr_files_total"] == 4)
        #expect(values["menu_api_ocr_cache_hits_total"] == json["cache_hits"]?.doubleValue)
        #expect(values["menu_api_ocr_errors_total"] == json["error_count"]?.doubleValue)
        #expect(values["menu_api_ocr_fallbacks_total"] == json["tier_2_count"]?.doubleValue)
        #expect(values["menu_api_ocr_tier1_accepted_total"] == json["tier_1_count"]?.doubleValue)
        #expect(values["menu_api_ocr_processing_seconds_count"] == json["total_count"]?.doubleValue)
        #expect(values["menu_api_ocr_processing_seconds_bucket{le=\"1.0\"}"] == 1)
        #expect(values["menu_api_ocr_processing_seconds_bucket{le=\"5.0\"}"] == 2)
        #expect(values["menu_api_ocr_processing_seconds_bucket{le=\"+Inf\"}"] == 3)
        #expect(values["menu_api_ocr_processing_seconds_sum"] == 17.4)
        #expect(values["menu_api_ocr_runs_total{provider=\"clova\"}"] == 1)
        #expect(text.contains("# TYPE menu_api_ocr_processing_seconds histogram"))
        #expect(values["menu_api_ocr_window_files{window=\"all\"}"] == 4)
        #expect(values["menu_api_ocr_window_error_ratio{window=\"all\"}"] == 0.25)
        #expect(values["menu_api_ocr_window_alerts{window=\"all\",level=\"critical\"}"] == 2)
        #expect(values["menu_api_ocr_window_kpi_on_target{window=\"all\",kpi=\"error_rate\"}"] == 0)
    }

    /// The exposition's samples by series (name and labels as written), checking every line's form.
    static func samples(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Double] {
        let sample = try Regex(
            #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? [-+]?([0-9.]+(e[-+]?[0-9]+)?|Inf|NaN)$"#
        )
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            #expect(line.wholeMatch(of: sample) != nil, "malformed line: \(line)", sourceLocation: sourceLocation)
            let parts = line.split(separator: " ")
            values[String(parts[0])] = Double(parts[1])
        }
        return values
    }

    /// What the metrics route exposes for `window`: counters over all time, gauges over the window.
    static func exposition(_ store: PostgresMetricsStore, window name: String) throws -> [String: Double] {
        let window = try #require(PostgresMetricsStore.Window.named(name))
        return try samples(
            MetricsFormat.prometheus(
                total: try store.metrics(for: .all), window: try store.metrics(for: window), windowName: name))
    }

    /// Moves every event `seconds` into the past and forgets the roll-ups: the database as it would be had the
    /// events happened that much earlier and nothing read the metrics since.
    static func age(_ connection: PostgresConnection, by seconds: Int) throws {
        try connection.query(
            "UPDATE ocr_events SET occurred_at = occurred_at - make_interval(secs => \(seconds))")
        try connection.query("DELETE FROM ocr_event_hours")
        try connection.query("DELETE FROM ocr_event_hour_buckets")
        try connection.query("DELETE FROM ocr_event_hour_providers")
        try connection.query("UPDATE ocr_rollup_state SET rolled_until = '-infinity'")
    }

    @Test func countersDoNotGoDownWhenEventsLeaveTheWindow() throws {
        let (schema, connection) = try Self.migratedSchema()
        defer {
            connection.close()
            schema.drop()
        }
        try Self.insertMix(connection, ages: [600, 900, 1200, 200_000])
        let store = PostgresMetricsStore(connection: connection)
        let before = try Self.exposition(store, window: "1h")
        #expect(before["menu_api_ocr_window_files{window=\"1h\"}"] == 3)
        #expect(before["menu_api_ocr_files_total"] == 4)

        // Two hours later the window is empty, and every counter and histogram series stands where it stood.
        try Self.age(connection, by: 7200)
        let after = try Self.exposition(store, window: "1h")
        #expect(after["menu_api_ocr_window_files{window=\"1h\"}"] == 0)
        #expect(after["menu_api_ocr_window_tier1_success_ratio{window=\"1h\"}"] == nil)
        let counters = before.keys.filter { $0.contains("_total") || $0.hasPrefix("menu_api_ocr_processing_seconds") }
        #expect(counters.count >= 20)
        // Exactly: the cost too, summed in nano-dollars, is the same before and after its hours are rolled up.
        for series in counters { #expect(after[series] == before[series], "\(series)") }

        // One more event: each counter it touches goes up by its share, none down.
        try Self.insertEvent(connection, ago: 5, milliseconds: 300)
        let later = try Self.exposition(store, window: "1h")
        for series in counters { #expect(later[series] ?? 0 >= before[series] ?? 0, "\(series)") }
        #expect(later["menu_api_ocr_files_total"] == 5)
        #expect(later["menu_api_ocr_processing_seconds_count"] == 4)
        #expect(later["menu_api_ocr_window_files{window=\"1h\"}"] == 1)
    }

    @Test func histogramIsCumulativeWithInfEqualToCountOverAllRuns() throws {
        let (schema, connection) = try Self.migratedSchema()
        defer {
            connection.close()
            schema.drop()
        }
        // Times on and just past the exposed bounds, zero, beyond the last bound, and runs days old (outside the
        // window asked for: the histogram is all-time, like the counters).
        let times = [0, 1, 250, 251, 1000, 1001, 4999, 5000, 5001, 10_000, 59_999, 60_000, 60_001, 250_000]
        for (index, milliseconds) in times.enumerated() {
            try Self.insertEvent(connection, ago: index % 2 == 0 ? 30 : 300_000, milliseconds: milliseconds)
        }
        try Self.insertEvent(connection, ago: 40, cached: true, milliseconds: 2)
        let text = MetricsFormat.prometheus(
            total: try PostgresMetricsStore(connection: connection).metrics(for: .all),
            window: try PostgresMetricsStore(connection: connection).metrics(
                for: try #require(PostgresMetricsStore.Window.named("1h"))), windowName: "1h")
        var bounds: [Double] = []
        var counts: [Double] = []
        for line in text.split(separator: "\n") where line.hasPrefix("menu_api_ocr_processing_seconds_bucket{le=\"") {
            let parts = line.dropFirst("menu_api_ocr_processing_seconds_bucket{le=\"".count).split(separator: "\"")
            bounds.append(parts[0] == "+Inf" ? .infinity : try #require(Double(parts[0])))
            counts.append(try #require(Double(parts[1].dropFirst(2))))
        }
        #expect(bounds.count == MetricsFormat.histogramBounds.count + 1)
        #expect(bounds == bounds.sorted() && Set(bounds).count == bounds.count)
        #expect(counts == counts.sorted())
        #expect(bounds.last == .infinity)
        let values = try Self.samples(text)
        #expect(counts.last == values["menu_api_ocr_processing_seconds_count"])
        #expect(values["menu_api_ocr_processing_seconds_count"] == Double(times.count))
        #expect(values["menu_api_ocr_processing_seconds_sum"] == Double(times.reduce(0, +)) / 1000)
        // A bucket counts the runs at or under its bound: exactly on a bound is in.
        let expected: [Double: Int] = [0.25: 3, 1: 5, 5: 8, 10: 10, 60: 12, .infinity: 14]
        for (bound, count) in expected {
            let index = try #require(bounds.firstIndex(of: bound))
            #expect(counts[index] == Double(count), "le=\(bound)")
        }
        #expect(values["menu_api_ocr_window_runs{window=\"1h\"}"] == 7)
        #expect(
            text.contains("# TYPE menu_api_ocr_processing_seconds histogram\nmenu_api_ocr_processing_seconds_bucket"))
    }

    @Test func emptyDatabaseGivesZerosNotErrors() throws {
        let (schema, connection) = try Self.migratedSchema()
        defer {
            connection.close()
            schema.drop()
        }
        let json = MetricsFormat.json(
            try PostgresMetricsStore(connection: connection).metrics(for: .all), window: "all")
        #expect(json["total_count"] == .int(0))
        #expect(json["tier_1_success_rate"] == .string("0.0%"))
        #expect(json["avg_processing_time_ms"] == .int(0))
        #expect(json["last_updated"] == .null)
        #expect(json["alerts"] == .array([]))
    }
}
