public import Foundation
public import JSON

/// The metrics' JSON and Prometheus shapes.
public enum MetricsFormat {
    /// The documented body: the operators' fields first, with exactly these names and formats, then the rest.
    /// - Parameter budget: the OpenAI budgets and the spend, whose alert joins the window's; nil (the default)
    ///   without a budget.
    public static func json(_ metrics: OCRMetrics, window: String, budget: OpenAIBudgetStatus? = nil) -> JSONValue {
        let report = KPIReport(metrics: metrics, budget: budget)
        let lastUpdated: JSONValue = metrics.lastEvent.map { .string(utcTimestamp($0)) } ?? .null
        return .object([
            ("tier_1_count", .int(metrics.tier1)), ("tier_2_count", .int(metrics.fallbacks)),
            ("total_count", .int(metrics.runs)),
            ("tier_1_success_rate", .string(OCRMetrics.percent(metrics.tier1SuccessRate))),
            ("tier_2_fallback_rate", .string(OCRMetrics.percent(metrics.fallbackRate))),
            ("avg_processing_time_ms", .int(metrics.averageMilliseconds)),
            ("price_error_count", .int(metrics.priceErrors)),
            ("price_error_rate", .string(OCRMetrics.percent(metrics.priceErrorRate))),
            ("handwriting_detection_rate", .string(OCRMetrics.percent(metrics.handwritingRate))),
            ("last_updated", lastUpdated),
            ("window", .string(window)), ("file_count", .int(metrics.files)), ("cache_hits", .int(metrics.cacheHits)),
            ("cache_hit_rate", .string(OCRMetrics.percent(metrics.cacheHitRate))),
            ("error_count", .int(metrics.errors)), ("error_rate", .string(OCRMetrics.percent(metrics.errorRate))),
            ("p50_processing_time_ms", .int(metrics.percentileMilliseconds(0.5))),
            ("p95_processing_time_ms", .int(metrics.percentileMilliseconds(0.95))),
            (
                "provider_counts",
                .object(metrics.runsByProvider.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
            ),
            ("item_count", .int(metrics.items)), ("prompt_tokens", .int(metrics.promptTokens)),
            ("completion_tokens", .int(metrics.completionTokens)),
            ("estimated_cost_usd", .double((metrics.costUSD * 1_000_000).rounded() / 1_000_000)),
            (
                "kpis",
                .array(
                    report.kpis.map {
                        .object([
                            ("name", .string($0.name)), ("target", .string($0.target)), ("value", .string($0.value)),
                            ("status", .string($0.status.rawValue)),
                        ])
                    })
            ),
            (
                "alerts",
                .array(
                    report.alerts.map {
                        .object([
                            ("level", .string($0.level.rawValue)), ("rule", .string($0.rule)),
                            ("value", .string($0.value)),
                            ("action", .string($0.action)),
                        ])
                    })
            ),
        ])
    }

    /// The `openai_budget` member of the JSON body: per period with a budget, the budget, the spend and what is
    /// left (negative once overshot), in US dollars.
    public static func json(_ budget: OpenAIBudgetStatus) -> JSONValue {
        .object(
            OpenAIBudgetStatus.Period.allCases.compactMap { period in
                budget.limitUSD(for: period).map { limit in
                    (
                        period.rawValue,
                        .object([
                            ("budget_usd", .double(limit)), ("spent_usd", .double(micro(budget.spentUSD(in: period)))),
                            ("remaining_usd", .double(micro(limit - budget.spentUSD(in: period)))),
                            ("exhausted", .bool(budget.exhaustedPeriods.contains(period))),
                        ])
                    )
                }
            })
    }

    /// The `circuit_breakers` member of the JSON body: per cloud provider, `open` or `closed`, in the process that
    /// answered.
    public static func json(breakers: [(provider: String, isOpen: Bool)]) -> JSONValue {
        .object(breakers.map { ($0.provider, .string($0.isOpen ? "open" : "closed")) })
    }

    /// The budget gauges: the budget, the spend and what is left per period with a budget (what the
    /// `MenuAPIOpenAIBudgetExhausted` rule watches).
    public static func prometheus(_ budget: OpenAIBudgetStatus) -> String {
        var exposition = PrometheusExposition()
        let periods = OpenAIBudgetStatus.Period.allCases.filter { budget.limitUSD(for: $0) != nil }
        exposition.family(
            "menu_api_openai_budget_usd", "gauge", "The OpenAI budget of the UTC day or month.",
            periods.compactMap { period in
                budget.limitUSD(for: period).map { ([("period", period.rawValue)], PrometheusExposition.number($0)) }
            })
        exposition.family(
            "menu_api_openai_spend_usd", "gauge", "Estimated GPT vision cost so far in the UTC day or month.",
            periods.map { ([("period", $0.rawValue)], PrometheusExposition.number(budget.spentUSD(in: $0))) })
        exposition.family(
            "menu_api_openai_budget_remaining_usd", "gauge",
            "Budget left in the UTC day or month; GPT vision is skipped at 0 or below.",
            periods.compactMap { period in
                budget.remainingUSD(in: period).map {
                    ([("period", period.rawValue)], PrometheusExposition.number($0))
                }
            })
        return exposition.text
    }

    /// The circuit breakers of the process that answered the scrape: 1 open (or half-open, trying one call), 0
    /// closed.
    public static func prometheus(breakers: [(provider: String, isOpen: Bool)]) -> String {
        var exposition = PrometheusExposition()
        exposition.family(
            "menu_api_ocr_breaker_open", "gauge",
            "1 while the provider's circuit breaker skips it (open or half-open), in this process.",
            breakers.map { ([("provider", $0.provider)], $0.isOpen ? "1" : "0") })
        return exposition.text
    }

    private static func micro(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }

    /// The `queue` member of the JSON body: the job queue now and the webhook deliveries.
    public static func json(_ queue: QueueMetrics) -> JSONValue {
        .object([
            ("queued", .int(queue.queued)), ("claimed", .int(queue.claimed)),
            ("oldest_queued_age_seconds", .double((queue.oldestQueuedSeconds * 1000).rounded() / 1000)),
            ("claims", .int(queue.claims)), ("reclaims", .int(queue.reclaims)),
            (
                "webhooks",
                .object([
                    ("sent", .int(queue.webhooksSent)), ("failed", .int(queue.webhooksFailed)),
                    ("pending", .int(queue.webhooksPending)), ("failed_attempts", .int(queue.webhookFailedAttempts)),
                ])
            ),
        ])
    }

    /// The `review` member of the JSON body: per provider, what people did to its items over the window.
    public static func json(_ review: ReviewMetrics) -> JSONValue {
        .object(
            review.providers.map { provider in
                (
                    provider.provider,
                    .object([
                        ("extracted", .int(provider.extracted)), ("corrected", .int(provider.corrected)),
                        ("deleted", .int(provider.deleted)), ("added", .int(provider.added)),
                        (
                            "field_accuracy",
                            provider.fieldAccuracy.map { .string(OCRMetrics.percent($0)) } ?? .null
                        ),
                    ])
                )
            })
    }

    /// The review figures as Prometheus gauges over the window, by provider, labelled with the window's name.
    public static func prometheus(_ review: ReviewMetrics, window: String) -> String {
        var exposition = PrometheusExposition()
        let actions = review.providers.flatMap { provider in
            [
                ("extracted", provider.extracted), ("corrected", provider.corrected), ("deleted", provider.deleted),
                ("added", provider.added),
            ].map { action, count in
                ([("provider", provider.provider), ("action", action), ("window", window)], "\(count)")
            }
        }
        exposition.family(
            "menu_api_review_items", "gauge", "Menu items over the window by provider and what people did to them.",
            actions)
        exposition.family(
            "menu_api_review_field_accuracy", "gauge", "1 - items with a corrected name or price / items extracted.",
            review.providers.compactMap { provider in
                provider.fieldAccuracy.map {
                    ([("provider", provider.provider), ("window", window)], PrometheusExposition.number($0))
                }
            })
        return exposition.text
    }

    /// The queue's Prometheus samples: gauges for what stands now, counters for claims and failed deliveries
    /// (over all time: the store adds what purged tasks had counted, so they never go down).
    public static func prometheus(_ queue: QueueMetrics) -> String {
        var exposition = PrometheusExposition()
        exposition.family(
            "menu_api_queue_files", "gauge", "Files of async uploads by state.",
            [([("state", "queued")], "\(queue.queued)"), ([("state", "claimed")], "\(queue.claimed)")])
        exposition.family(
            "menu_api_queue_oldest_age_seconds", "gauge", "How long the oldest queued file has waited.",
            [([], PrometheusExposition.number(queue.oldestQueuedSeconds))])
        exposition.family(
            "menu_api_queue_claims_total", "counter", "Claims of queued files.", [([], "\(queue.claims)")])
        exposition.family(
            "menu_api_queue_reclaims_total", "counter", "Claims of files whose earlier worker stopped.",
            [([], "\(queue.reclaims)")])
        exposition.family(
            "menu_api_webhook_deliveries", "gauge", "Webhook deliveries of the kept tasks by state.",
            [
                ([("state", "sent")], "\(queue.webhooksSent)"), ([("state", "failed")], "\(queue.webhooksFailed)"),
                ([("state", "pending")], "\(queue.webhooksPending)"),
            ])
        exposition.family(
            "menu_api_webhook_failed_attempts_total", "counter", "Delivery attempts without a 2xx answer.",
            [([], "\(queue.webhookFailedAttempts)")])
        return exposition.text
    }

    package static func seriesEntry(_ hour: (hour: Date, runs: Int, fallbacks: Int, milliseconds: Int)) -> JSONValue {
        .object([
            ("hour", .string(utcTimestamp(hour.hour))), ("count", .int(hour.runs)),
            ("fallback_rate", .string(OCRMetrics.percent(OCRMetrics.ratio(hour.fallbacks, hour.runs)))),
            ("avg_processing_time_ms", .int(OCRMetrics.average(hour.milliseconds, over: hour.runs))),
        ])
    }

    /// `2026-02-19T10:12:03Z`
    public static func utcTimestamp(_ date: Date) -> String {
        // A format style is a value (no formatter object per call: making one cost ~0.15 ms, which was most of the
        // hourly series' time).
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// Prometheus text exposition 0.0.4 of the OCR events: counters and the processing-time histogram over all time,
    /// then the window's figures as gauges labelled `window`.
    ///
    /// Counters must never go down, or `rate()` reads a reset, so they come from `total` (every event ever, which
    /// nothing deletes) and not from the window, whose sums fall as events leave it. Ratios, the average, the
    /// percentiles and the KPI states of a window with nothing to measure them on are left out rather than shown
    /// as 0, as the KPI report says `no_data`.
    /// - Parameters:
    ///   - total: the metrics of every event (``PostgresMetricsStore``'s `all` window).
    ///   - window: the metrics of the requested window.
    ///   - windowName: the window's name, the gauges' `window` label (`1h`, `24h`, `7d`, `30d`, `all`).
    ///   - budget: the OpenAI budgets and the spend, whose alert the window's alert counts include; nil (the
    ///     default) without a budget.
    public static func prometheus(
        total: OCRMetrics, window: OCRMetrics, windowName: String, budget: OpenAIBudgetStatus? = nil
    ) -> String {
        var exposition = PrometheusExposition()
        func counter(_ name: String, _ help: String, _ value: Int) {
            exposition.family(name, "counter", help, [([], "\(value)")])
        }
        counter("menu_api_ocr_files_total", "Files processed, cache hits included.", total.files)
        counter("menu_api_ocr_cache_hits_total", "Files answered from the result cache.", total.cacheHits)
        counter("menu_api_ocr_errors_total", "Files that failed.", total.errors)
        exposition.family(
            "menu_api_ocr_runs_total", "counter", "Files that reached a provider, by final provider.",
            total.runsByProvider.sorted { $0.key < $1.key }.map { ([("provider", $0.key)], "\($0.value)") })
        counter("menu_api_ocr_tier1_accepted_total", "Runs accepted from the first tier.", total.tier1)
        counter("menu_api_ocr_fallbacks_total", "Runs that fell back to a later tier.", total.fallbacks)
        counter("menu_api_ocr_handwriting_total", "Runs where handwriting was detected.", total.handwriting)
        counter("menu_api_ocr_items_total", "Menu items read by runs.", total.items)
        counter("menu_api_ocr_price_errors_total", "Price errors in runs.", total.priceErrors)
        counter("menu_api_ocr_price_error_items_total", "Items of runs with a price error.", total.priceErrorItems)
        exposition.family(
            "menu_api_ocr_tokens_total", "counter", "Provider tokens.",
            [([("kind", "prompt")], "\(total.promptTokens)"), ([("kind", "completion")], "\(total.completionTokens)")])
        exposition.family(
            "menu_api_ocr_estimated_cost_usd_total", "counter", "Estimated provider cost.",
            [([], PrometheusExposition.number(total.costUSD))])
        processingHistogram(of: total, into: &exposition)
        windowGauges(of: window, named: windowName, budget: budget, into: &exposition)
        return exposition.text
    }

    /// The `le` bounds of the exposed histogram, in milliseconds: a subset of ``ProcessingTimeBuckets/bounds``, so
    /// each cumulative count is exact, increasing as the format requires.
    package static let histogramBounds = [
        250, 500, 1000, 2000, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000,
    ]

    /// `_bucket` series cumulative in increasing `le`, `+Inf` equal to `_count`, and `_sum`, all over the runs.
    private static func processingHistogram(of metrics: OCRMetrics, into exposition: inout PrometheusExposition) {
        let name = "menu_api_ocr_processing_seconds"
        exposition.family(name, "histogram", "Processing time of runs.", [])
        for bound in histogramBounds {
            let cumulative = metrics.buckets.prefix(ProcessingTimeBuckets.index(of: bound) + 1).reduce(0, +)
            exposition.sample("\(name)_bucket", ([("le", "\(Double(bound) / 1000)")], "\(cumulative)"))
        }
        // Every run is in one bucket (the last is open-ended), so the +Inf count is the runs, as `_count` is.
        exposition.sample("\(name)_bucket", ([("le", "+Inf")], "\(metrics.runs)"))
        exposition.sample(
            "\(name)_sum", ([], PrometheusExposition.number(Double(metrics.processingMilliseconds) / 1000)))
        exposition.sample("\(name)_count", ([], "\(metrics.runs)"))
    }

    /// The window's figures, the JSON body's, as gauges: counts, ratios (0-1), times in seconds, KPI states and
    /// alerts by level.
    private static func windowGauges(
        of metrics: OCRMetrics, named window: String, budget: OpenAIBudgetStatus?,
        into exposition: inout PrometheusExposition
    ) {
        let label = ("window", window)
        func gauge(_ name: String, _ help: String, _ value: Double?) {
            exposition.family(
                "menu_api_ocr_window_\(name)", "gauge", help,
                value.map { [([label], PrometheusExposition.number($0))] } ?? [])
        }
        let hasRuns = metrics.runs > 0
        let hasFiles = metrics.files > 0
        gauge("files", "Files processed over the window, cache hits included.", Double(metrics.files))
        gauge("runs", "Files that reached a provider over the window.", Double(metrics.runs))
        gauge("cache_hits", "Files answered from the result cache over the window.", Double(metrics.cacheHits))
        gauge("errors", "Files that failed over the window.", Double(metrics.errors))
        gauge("tier1_accepted", "Runs accepted from the first tier over the window.", Double(metrics.tier1))
        gauge("fallbacks", "Runs that fell back to a later tier over the window.", Double(metrics.fallbacks))
        gauge("estimated_cost_usd", "Estimated provider cost over the window.", metrics.costUSD)
        gauge(
            "tier1_success_ratio", "Runs accepted from the first tier / runs (KPI tier_1_success_rate).",
            hasRuns ? metrics.tier1SuccessRate : nil)
        gauge(
            "fallback_ratio", "Runs that fell back / runs (KPI tier_2_fallback_rate).",
            hasRuns ? metrics.fallbackRate : nil)
        gauge(
            "handwriting_ratio", "Runs with handwriting / runs.", hasRuns ? metrics.handwritingRate : nil)
        gauge(
            "price_error_ratio", "Items with a price error / items read (KPI price_error_rate).",
            hasRuns ? metrics.priceErrorRate : nil)
        gauge("cache_hit_ratio", "Cache hits / files (KPI cache_hit_rate).", hasFiles ? metrics.cacheHitRate : nil)
        gauge("error_ratio", "Failed files / files (KPI error_rate).", hasFiles ? metrics.errorRate : nil)
        gauge(
            "average_processing_seconds", "Average processing time of runs (KPI avg_processing_time_ms).",
            hasRuns ? Double(metrics.averageMilliseconds) / 1000 : nil)
        exposition.family(
            "menu_api_ocr_window_percentile_processing_seconds", "gauge",
            "Processing time under which the percentile's share of runs finished, to its bucket's upper bound.",
            hasRuns
                ? [50, 95].map { percentile in
                    (
                        [label, ("percentile", "\(percentile)")],
                        PrometheusExposition.number(
                            Double(metrics.percentileMilliseconds(Double(percentile) / 100)) / 1000)
                    )
                } : [])
        let report = KPIReport(metrics: metrics, budget: budget)
        exposition.family(
            "menu_api_ocr_window_kpi_on_target", "gauge",
            "1 when the KPI meets its target, 0 when not (absent: no data).",
            report.kpis.compactMap { kpi in
                switch kpi.status {
                case .ok: ([label, ("kpi", kpi.name)], "1")
                case .offTarget: ([label, ("kpi", kpi.name)], "0")
                case .noData: nil
                }
            })
        exposition.family(
            "menu_api_ocr_window_alerts", "gauge", "Alerts the KPI report raises on the window, by level.",
            [KPIReport.Level.critical, .warning].map { level in
                ([label, ("level", level.rawValue)], "\(report.alerts.filter { $0.level == level }.count)")
            })
    }
}
