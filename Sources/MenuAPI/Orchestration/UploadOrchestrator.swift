import Digest
import Dispatch
import Foundation
public import Logging
import MenuModel
public import MenuStorage
public import OCR
public import Postgres
import Synchronization

/// One file of an upload, as the route received it.
public struct UploadedFile: Sendable {
    /// The client's file name (for the response only; never trusted for the format).
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// Runs the files of one upload through the cache and the tiers, in parallel.
///
/// Per file: check the image (format from its bytes, header, pixel limit); key = SHA-256(SHA-256(bytes) ‖ pipeline
/// version); an unexpired cache entry answers at once; otherwise, under the key's lock (single flight across
/// processes), check again, run the tiers, and store a result that has items. With the database unreachable, files
/// are still read, just not cached.
public struct UploadOrchestrator: Sendable {
    /// Tier routers: at most `OCR_CONCURRENCY` images are read at once in the process.
    public let routers: ResourcePool<TierRouter>
    /// Connections for cache look-ups and the single-flight lock: a cache hit or a duplicate waiting for the first
    /// upload of its image holds one of these, never a router.
    public let databases: ResourcePool<PostgresConnection>
    /// See ``TierRouter/pipelineVersion(of:)``.
    public let pipelineVersion: String
    public let cacheTimeToLive: Duration
    /// Files of one request read at once. Defaults to 4.
    public let parallelism: Int
    public let maxPixels: Int
    /// How long a duplicate waits for the first upload of the same image.
    public let singleFlightWait: Duration
    /// When expired cache rows were last deleted (seconds since the epoch; 0 never). Lookups ignore expired rows
    /// anyway; the purge only keeps the table from growing, so once an hour per process is plenty.
    private let lastPurge = PurgeClock()

    /// Shared between copies of the orchestrator (it is a struct): one clock per process.
    private final class PurgeClock: Sendable {
        let seconds = Atomic<Int>(0)
    }

    public init(
        routers: ResourcePool<TierRouter>, databases: ResourcePool<PostgresConnection>, pipelineVersion: String,
        cacheTimeToLive: Duration, parallelism: Int = 4,
        maxPixels: Int = 40_000_000, singleFlightWait: Duration = .seconds(60)
    ) {
        self.routers = routers
        self.databases = databases
        self.pipelineVersion = pipelineVersion
        self.cacheTimeToLive = cacheTimeToLive
        self.parallelism = parallelism
        self.maxPixels = maxPixels
        self.singleFlightWait = singleFlightWait
    }

    /// - Returns: one outcome per file, in the files' order.
    /// - Note: Blocks the calling thread until every file is done (bounded by the per-image deadline).
    public func process(_ files: [UploadedFile], logger: Logger) -> [FileOutcome] {
        guard !files.isEmpty else { return [] }
        let next = Atomic<Int>(0)
        let outcomes = Mutex<[FileOutcome?]>(Array(repeating: nil, count: files.count))
        let work: @Sendable () -> Void = {
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < files.count else { return }
                let outcome = process(files[index], index: index, logger: logger)
                outcomes.withLock { $0[index] = outcome }
            }
        }
        // Threads of their own, not DispatchQueue.concurrentPerform: libdispatch caps that at the CPU count, and
        // these threads mostly wait on providers, so the configured parallelism must hold on a 2-core machine too.
        // The calling worker thread takes one share itself.
        let helpers = min(parallelism, files.count) - 1
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<helpers {
            let thread = Thread {
                work()
                finished.signal()
            }
            thread.stackSize = 8 << 20  // Tesseract recurses deeply; glibc's default for pthreads
            thread.start()
        }
        work()
        for _ in 0..<helpers { finished.wait() }
        return outcomes.withLock { $0 }.enumerated().map { index, outcome in
            outcome
                ?? FileOutcome(
                    index: index, fileName: files[index].name, cached: false, processingTime: .zero, items: [],
                    errorCode: .internalError, errorMessage: "The file was not processed")
        }
    }

    private func process(_ file: UploadedFile, index: Int, logger: Logger) -> FileOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = FileOutcome(
            index: index, fileName: file.name, cached: false, processingTime: .zero, items: [])
        func finish() -> FileOutcome {
            outcome.processingTime = start.duration(to: clock.now)
            return outcome
        }
        let imageSHA256 = SHA256.hash(file.bytes)
        outcome.imageSHA256 = imageSHA256
        let key = SHA256.hash(imageSHA256 + Array(pipelineVersion.utf8))
        do {
            try databases.withResource { database in
                let cache = PostgresCacheStore(connection: database)
                func useCached(_ entry: PostgresCacheStore.Entry) {
                    outcome.cached = true
                    outcome.result = entry.result
                    outcome.resultHash = entry.resultHash
                    outcome.items = entry.result.items
                }
                // A hit needs no inspection: these exact bytes were checked when the result was stored.
                if let entry = try? cache.entry(for: key) {
                    useCached(entry)
                    return
                }
                do throws(ImageError) {
                    try UploadedImage.inspect(file.bytes, maxPixels: maxPixels)
                } catch {
                    outcome.errorCode = FileErrorCode(error.code)
                    outcome.errorMessage = error.message
                    outcome.imageSHA256 = nil
                    return
                }
                /// Reads the image with a router, then stores a result that has items.
                func computeAndStore() throws {
                    let routed: RoutedOCRResult
                    do {
                        routed = try routers.withResource { router in
                            router.recognize(PreparedImage(original: file.bytes))
                        }
                    } catch {
                        throw RouterUnavailable(underlying: String(reflecting: error))
                    }
                    apply(routed, to: &outcome, logger: logger)
                    guard let result = outcome.result, let hash = outcome.resultHash, routed.result.isSuccess,
                        !routed.result.items.isEmpty
                    else { return }
                    purgeExpiredEntriesHourly(cache, logger: logger)
                    do {
                        try cache.store(
                            .init(result: result, resultHash: hash), for: key, imageSHA256: imageSHA256,
                            pipelineVersion: pipelineVersion, timeToLive: cacheTimeToLive)
                    } catch {
                        logger.warning(
                            "OCR result not cached", metadata: [LogKey.error: "\(String(reflecting: error))"])
                    }
                }
                var hasComputed = false
                do {
                    try cache.withLock(for: key, timeout: singleFlightWait) {
                        // Another upload of this image may have finished while this one waited for the lock.
                        if let entry = try cache.entry(for: key) {
                            useCached(entry)
                            return
                        }
                        hasComputed = true
                        try computeAndStore()
                    }
                } catch let error as RouterUnavailable {
                    throw error
                } catch {
                    guard !hasComputed else { return }
                    logger.warning(
                        "OCR cache lock unavailable; reading without it",
                        metadata: [LogKey.error: "\(String(reflecting: error))"])
                    try computeAndStore()
                }
            }
        } catch {
            logger.error("The OCR pipeline could not start", metadata: [LogKey.error: "\(String(reflecting: error))"])
            outcome.errorCode = .ocrUnavailable
            outcome.errorMessage = "The OCR engine could not be started"
        }
        return finish()
    }

    private func purgeExpiredEntriesHourly(_ cache: PostgresCacheStore, logger: Logger) {
        let now = Int(Date().timeIntervalSince1970)
        let last = lastPurge.seconds.load(ordering: .relaxed)
        guard now - last >= 3600,
            lastPurge.seconds.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged
        else { return }
        do {
            let purged = try cache.purgeExpired()
            if purged > 0 { logger.debug("Purged expired OCR results", metadata: ["mke.count": "\(purged)"]) }
        } catch {
            logger.warning("Cache purge failed", metadata: [LogKey.error: "\(String(reflecting: error))"])
        }
    }

    /// Fills `outcome` from a fresh run: success when some tier returned items, otherwise the clearest failure.
    private func apply(_ routed: RoutedOCRResult, to outcome: inout FileOutcome, logger: Logger) {
        outcome.routed = routed
        // A tier that failed is an operator's concern (keys, quota, outages) even when a later tier saved the file.
        for attempt in routed.attempts where !attempt.result.isSuccess {
            logger.warning(
                "OCR tier failed",
                metadata: [
                    LogKey.provider: "\(attempt.provider)", LogKey.tier: "\(attempt.tierIndex + 1)",
                    LogKey.error:
                        "\(attempt.result.failureReason?.rawValue ?? "error"): \(attempt.result.failureMessage ?? "")",
                ])
        }
        let result = routed.result
        if result.isSuccess, !result.items.isEmpty {
            let canonical = CanonicalResult(of: routed)
            outcome.result = canonical
            outcome.resultHash = canonical.hash
            outcome.items = result.items
            return
        }
        let reasons = routed.attempts.compactMap(\.result.failureReason)
        if !reasons.isEmpty, reasons.allSatisfy({ $0 == .invalidImage }) {
            outcome.errorCode = .invalidImage
            outcome.errorMessage = "The image cannot be decoded"
        } else if routed.attempts.contains(where: { $0.result.isSuccess }) {
            outcome.errorCode = .noMenuItems
            outcome.errorMessage = "No menu items were found in the image"
        } else {
            outcome.errorCode = .ocrFailed
            outcome.errorMessage =
                "Every OCR tier failed: "
                + routed.attempts.map { "\($0.provider): \($0.result.failureReason?.rawValue ?? "error")" }.joined(
                    separator: ", ")
        }
    }
}

/// No tier router could be made (a Tesseract language pack vanished after start-up): the file fails as
/// `ocr_unavailable` instead of being read without a cache.
struct RouterUnavailable: Error, CustomStringConvertible {
    var underlying: String
    var description: String { "no OCR router: \(underlying)" }
}
