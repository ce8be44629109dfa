public import Foundation

/// The figures operators run the service by, over one window of ``ocr_events``.
///
/// Definitions (also in the README): a *file* is every file processed, cache hits included; a *run* is a file that
/// reached a provider (not a cache hit, not refused before OCR). `tier_1_count` counts runs accepted from the first
/// tier without fallback, `tier_2_count` runs that fell back; their rates, the handwriting rate and the average time
/// are over runs; `price_error_rate` is items with a price error over items read by runs; `cache_hit_rate` and
/// `error_rate` are over files.
public struct OCRMetrics: Sendable, Equatable {
    public var files = 0
    public var cacheHits = 0
    public var errors = 0
    public var runs = 0
    public var tier1 = 0
    public var fallbacks = 0
    public var handwriting = 0
    public var items = 0
    public var priceErrors = 0
    public var priceErrorItems = 0
    public var processingMilliseconds = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Estimated provider cost in whole nano-dollars (each event's rounded once), so that sums are exact.
    public var costNanoUSD = 0
    public var lastEvent: Date?
    /// Runs per final provider.
    public var runsByProvider: [String: Int] = [:]
    /// Runs per processing-time bucket (see ``ProcessingTimeBuckets``).
    public var buckets: [Int] = Array(repeating: 0, count: ProcessingTimeBuckets.count)

    public init() {}

    /// Adds another part of the window (roll-up hours plus raw events).
    public mutating func add(_ other: OCRMetrics) {
        files += other.files
        cacheHits += other.cacheHits
        errors += other.errors
        runs += other.runs
        tier1 += other.tier1
        fallbacks += other.fallbacks
        handwriting += other.handwriting
        items += other.items
        priceErrors += other.priceErrors
        priceErrorItems += other.priceErrorItems
        processingMilliseconds += other.processingMilliseconds
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        costNanoUSD += other.costNanoUSD
        if let last = other.lastEvent, lastEvent.map({ last > $0 }) ?? true { lastEvent = last }
        for (provider, count) in other.runsByProvider { runsByProvider[provider, default: 0] += count }
        for index in buckets.indices where index < other.buckets.count { buckets[index] += other.buckets[index] }
    }

    public static func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    public var tier1SuccessRate: Double { Self.ratio(tier1, runs) }
    public var fallbackRate: Double { Self.ratio(fallbacks, runs) }
    public var handwritingRate: Double { Self.ratio(handwriting, runs) }
    public var priceErrorRate: Double { Self.ratio(priceErrorItems, items) }
    /// Estimated provider cost in US dollars.
    public var costUSD: Double { Double(costNanoUSD) / 1e9 }
    public var cacheHitRate: Double { Self.ratio(cacheHits, files) }
    public var errorRate: Double { Self.ratio(errors, files) }
    /// Average over runs, whole milliseconds (rounded half up).
    public var averageMilliseconds: Int { Self.average(processingMilliseconds, over: runs) }

    /// Whole milliseconds per run (rounded half up), 0 without runs.
    public static func average(_ milliseconds: Int, over runs: Int) -> Int {
        runs == 0 ? 0 : Int((Double(milliseconds) / Double(runs)).rounded())
    }

    /// The processing time under which `fraction` of the runs finished, to the bucket's upper bound.
    public func percentileMilliseconds(_ fraction: Double) -> Int {
        guard runs > 0 else { return 0 }
        let rank = max(1, Int((fraction * Double(runs)).rounded(.up)))
        var cumulative = 0
        for (index, count) in buckets.enumerated() {
            cumulative += count
            if cumulative >= rank { return ProcessingTimeBuckets.upperBound(of: index) }
        }
        return ProcessingTimeBuckets.upperBound(of: buckets.count - 1)
    }

    /// `"12.3%"`: one decimal, as operators' scripts read it.
    public static func percent(_ rate: Double) -> String {
        String(format: "%.1f%%", rate * 100)
    }
}

/// Histogram buckets of processing time, in milliseconds: 50 ms steps to 1 s, 100 ms steps to 10 s, 1 s steps to
/// 60 s, then everything longer. Percentiles are reported as the upper bound of their bucket, so they are exact to
/// 100 ms where the KPIs live (1-10 s). The Prometheus histogram's `le` bounds are a subset of these.
public enum ProcessingTimeBuckets {
    /// Upper bounds (inclusive) of every bucket but the last.
    public static let bounds: [Int] =
        Array(stride(from: 50, through: 1000, by: 50)) + Array(stride(from: 1100, through: 10_000, by: 100))
        + Array(stride(from: 11_000, through: 60_000, by: 1000))
    /// Buckets, the open-ended last one included.
    public static var count: Int { bounds.count + 1 }

    /// The bucket of a time: the first whose bound is at least `milliseconds`.
    public static func index(of milliseconds: Int) -> Int {
        bounds.firstIndex { milliseconds <= $0 } ?? bounds.count
    }

    /// The bound of a bucket; the open last bucket reports 60 s doubled (beyond every timeout).
    public static func upperBound(of index: Int) -> Int {
        index < bounds.count ? bounds[index] : 120_000
    }

    /// PostgreSQL array text of the bounds, for `width_bucket(processing_ms - 1, bounds)`.
    package static var sqlArray: String { "{" + bounds.map(String.init).joined(separator: ",") + "}" }
}
