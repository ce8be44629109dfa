public import Foundation
public import JSON

/// The metrics' JSON and Prometheus shapes.
public enum MetricsFormat {
    /// The documented body: the operators' fields first, with exactly these names and formats, then the rest.
    public static func json(_ metrics: OCRMetrics, window: String) -> JSONValue {
        let report = KPIReport(metrics: metrics)
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

    /// The review figures as Prometheus gauges over the window, by provider.
    public static func prometheus(_ review: ReviewMetrics) -> String {
        var lines: [String] = [
            "# HELP menu_api_review_items Menu items over the window by provider and what people did to them.",
            "# TYPE menu_api_review_items gauge",
        ]
        for provider in review.providers {
            for (action, count) in [
                ("extracted", provider.extracted), ("corrected", provider.corrected), ("deleted", provider.deleted),
                ("added", provider.added),
            ] {
                lines.append("menu_api_review_items{provider=\"\(provider.provider)\",action=\"\(action)\"} \(count)")
            }
        }
        lines += [
            "# HELP menu_api_review_field_accuracy 1 - items with a corrected name or price / items extracted.",
            "# TYPE menu_api_review_field_accuracy gauge",
        ]
        for provider in review.providers {
            if let accuracy = provider.fieldAccuracy {
                lines.append("menu_api_review_field_accuracy{provider=\"\(provider.provider)\"} \(accuracy)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The queue's Prometheus samples: gauges for what stands now, counters for claims and deliveries.
    public static func prometheus(_ queue: QueueMetrics) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name)\(sample.labels) \(sample.value)") }
        }
        metric(
            "menu_api_queue_files", "gauge", "Files of async uploads by state.",
            [("{state=\"queued\"}", "\(queue.queued)"), ("{state=\"claimed\"}", "\(queue.claimed)")])
        metric(
            "menu_api_queue_oldest_age_seconds", "gauge", "How long the oldest queued file has waited.",
            [("", "\(queue.oldestQueuedSeconds)")])
        metric("menu_api_queue_claims_total", "counter", "Claims of queued files.", [("", "\(queue.claims)")])
        metric(
            "menu_api_queue_reclaims_total", "counter", "Claims of files whose earlier worker stopped.",
            [("", "\(queue.reclaims)")])
        metric(
            "menu_api_webhook_deliveries", "gauge", "Webhook deliveries by state.",
            [
                ("{state=\"sent\"}", "\(queue.webhooksSent)"), ("{state=\"failed\"}", "\(queue.webhooksFailed)"),
                ("{state=\"pending\"}", "\(queue.webhooksPending)"),
            ])
        metric(
            "menu_api_webhook_failed_attempts_total", "counter", "Delivery attempts without a 2xx answer.",
            [("", "\(queue.webhookFailedAttempts)")])
        return lines.joined(separator: "\n") + "\n"
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

    /// Prometheus text exposition 0.0.4: counters over the window and a processing-time histogram of the runs.
    public static func prometheus(_ metrics: OCRMetrics) -> String {
        var lines: [String] = []
        func counter(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) counter")
            for sample in samples { lines.append("\(name)\(sample.labels) \(sample.value)") }
        }
        counter("menu_api_ocr_files_total", "Files processed, cache hits included.", [("", "\(metrics.files)")])
        counter(
            "menu_api_ocr_cache_hits_total", "Files answered from the result cache.", [("", "\(metrics.cacheHits)")])
        counter("menu_api_ocr_errors_total", "Files that failed.", [("", "\(metrics.errors)")])
        counter(
            "menu_api_ocr_runs_total", "Files that reached a provider, by final provider.",
            metrics.runsByProvider.sorted { $0.key < $1.key }.map { ("{provider=\"\($0.key)\"}", "\($0.value)") })
        counter("menu_api_ocr_tier1_accepted_total", "Runs accepted from the first tier.", [("", "\(metrics.tier1)")])
        counter("menu_api_ocr_fallbacks_total", "Runs that fell back to a later tier.", [("", "\(metrics.fallbacks)")])
        counter(
            "menu_api_ocr_handwriting_total", "Runs where handwriting was detected.", [("", "\(metrics.handwriting)")])
        counter("menu_api_ocr_items_total", "Menu items read by runs.", [("", "\(metrics.items)")])
        counter("menu_api_ocr_price_errors_total", "Price errors in runs.", [("", "\(metrics.priceErrors)")])
        counter(
            "menu_api_ocr_tokens_total", "Provider tokens.",
            [
                ("{kind=\"prompt\"}", "\(metrics.promptTokens)"),
                ("{kind=\"completion\"}", "\(metrics.completionTokens)"),
            ])
        counter("menu_api_ocr_estimated_cost_usd_total", "Estimated provider cost.", [("", "\(metrics.costUSD)")])

        let name = "menu_api_ocr_processing_seconds"
        lines.append("# HELP \(name) Processing time of runs.")
        lines.append("# TYPE \(name) histogram")
        let coarse = [250, 500, 1000, 2000, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000]
        for bound in coarse {
            let last = ProcessingTimeBuckets.index(of: bound)
            let cumulative = metrics.buckets.prefix(last + 1).reduce(0, +)
            lines.append("\(name)_bucket{le=\"\(Double(bound) / 1000)\"} \(cumulative)")
        }
        lines.append("\(name)_bucket{le=\"+Inf\"} \(metrics.runs)")
        lines.append("\(name)_sum \(Double(metrics.processingMilliseconds) / 1000)")
        lines.append("\(name)_count \(metrics.runs)")
        return lines.joined(separator: "\n") + "\n"
    }
}
