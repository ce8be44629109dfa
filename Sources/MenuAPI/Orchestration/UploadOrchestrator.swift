import Digest
import Foundation
public import Logging
import MenuModel
public import MenuStorage
public import OCR
public import Postgres
import Synchronization

/// Runs the files of one upload through the cache and the tiers, in parallel.
///
/// Per file, in order:
/// 1. size: more than ``maxFileBytes`` is refused before any work;
/// 2. look up: key = SHA-256(SHA-256(bytes) ‖ pipeline version); an unexpired cache entry answers at once (these
///    exact bytes were inspected when it was stored);
/// 3. inspect: the format from its bytes, a readable header, the pixel limit, a complete stream;
/// 4. lock or bypass: the key's single-flight lock (across processes), then a second look-up, since another upload of
///    the image may have finished meanwhile; when the lock cannot be had (timeout, database gone) the file is read
///    without it, and the log says why;
/// 5. recognise: a tier router from the pool reads the image;
/// 6. store: a result that has items is cached.
///
/// With the database unreachable, files are still read, just not cached. No router (or connection) that can be made
/// fails the file as `ocr_unavailable`.
public struct UploadOrchestrator: Sendable {
    /// Tier routers: at most `OCR_CONCURRENCY` images are read at once in the process.
    public let routers: ResourcePool<TierRouter>
    /// Connections for cache look-ups and the single-flight lock: a cache hit or a duplicate waiting for the first
    /// upload of its image holds one of these, never a router.
    public let databases: ResourcePool<PostgresConnection>
    /// The threads that run a request's files beside the worker thread that received it.
    public let threads: WorkerThreadPool
    /// See ``TierRouter/pipelineVersion(of:)``.
    public let pipelineVersion: String
    public let cacheTimeToLive: Duration
    /// Files of one request read at once. Defaults to 4.
    public let parallelism: Int
    /// Bytes per file; a larger file fails as `file_too_large`. Defaults to 10,485,760 (10 MB).
    public let maxFileBytes: Int
    /// Pixels per image. Defaults to 40,000,000.
    public let maxPixels: Int
    /// The shortest side an image may have; a smaller one fails as `image_too_small` before any tier. Defaults to
    /// 200.
    public let minSide: Int
    /// How long a duplicate waits for the first upload of the same image. Defaults to 60 seconds.
    public let singleFlightWait: Duration
    /// The circuit breakers the routers share, for the metrics route; nil when the routers have none.
    public let breakers: ProviderBreakers?
    /// When expired cache rows were last deleted (seconds since the epoch; 0 never). Lookups ignore expired rows
    /// anyway; the purge only keeps the table from growing, so once an hour per process is plenty.
    private let lastPurge = PurgeClock()

    /// Shared between copies of the orchestrator (it is a struct): one clock per process.
    private final class PurgeClock: Sendable {
        let seconds = Atomic<Int>(0)
    }

    /// - Parameters:
    ///   - routers: the process's tier routers.
    ///   - databases: the process's cache connections.
    ///   - threads: the threads that run files beside the calling thread; `parallelism - 1` per worker thread that
    ///     may call ``process(_:logger:)`` gives every request its full parallelism.
    ///   - pipelineVersion: part of every cache key.
    ///   - cacheTimeToLive: how long a stored result is served.
    ///   - parallelism: files of one request read at once. Defaults to 4.
    ///   - maxFileBytes: bytes per file. Defaults to 10,485,760.
    ///   - maxPixels: pixels per image. Defaults to 40,000,000.
    ///   - minSide: the shortest side an image may have, in pixels. Defaults to 200.
    ///   - singleFlightWait: how long a duplicate waits for the lock. Defaults to 60 seconds.
    ///   - breakers: the routers' circuit breakers, shown by the metrics route. Defaults to nil.
    public init(
        routers: ResourcePool<TierRouter>, databases: ResourcePool<PostgresConnection>, threads: WorkerThreadPool,
        pipelineVersion: String, cacheTimeToLive: Duration, parallelism: Int = 4, maxFileBytes: Int = 10_485_760,
        maxPixels: Int = 40_000_000, minSide: Int = UploadedImage.defaultMinSide,
        singleFlightWait: Duration = .seconds(60), breakers: ProviderBreakers? = nil
    ) {
        self.routers = routers
        self.databases = databases
        self.threads = threads
        self.pipelineVersion = pipelineVersion
        self.cacheTimeToLive = cacheTimeToLive
        self.parallelism = parallelism
        self.maxFileBytes = maxFileBytes
        self.maxPixels = maxPixels
        self.minSide = minSide
        self.singleFlightWait = singleFlightWait
        self.breakers = breakers
    }

    /// Reads every file, `parallelism` at a time.
    /// - Returns: one outcome per file, in the files' order, `index` being the file's position in `files`.
    /// - Note: Blocks the calling thread until every file is done (bounded by the per-image deadline).
    public func process(_ files: [UploadedFile], logger: Logger) -> [FileOutcome] {
        let outcomes = Mutex<[FileOutcome?]>(Array(repeating: nil, count: files.count))
        threads.perform(iterations: files.count, width: parallelism) { index in
            let outcome = process(files[index], index: index, logger: logger)
            outcomes.withLock { $0[index] = outcome }
        }
        return outcomes.withLock { $0 }.enumerated().map { index, outcome in
            outcome
                ?? FileOutcome(
                    index: index, fileName: files[index].name, cached: false, processingTime: .zero, items: [],
                    errorCode: .internalError, errorMessage: "The file was not processed")
        }
    }

    // MARK: - One file

    /// What became of a file once the steps ran: the answer ``outcome(of:for:index:key:logger:)`` turns into
    /// an outcome.
    private enum Resolution {
        /// More bytes than ``maxFileBytes``.
        case tooLarge(bytes: Int)
        /// A stored result: found first, or after waiting for another upload of the image.
        case cached(PostgresCacheStore.Entry)
        /// The image failed inspection.
        case refused(ImageError)
        /// The tiers ran (whatever they made of it); `cacheable` is the result with its hash, stored when it has
        /// items.
        case recognized(RoutedOCRResult, cacheable: PostgresCacheStore.Entry?)
        /// No router, or no cache connection, could be made.
        case unavailable(any Error)
    }

    /// The two hashes of a file: the image's own, and the cache key (the image under this pipeline version).
    private struct CacheKey {
        var imageSHA256: [UInt8]
        var key: [UInt8]
    }

    /// The failed outcome of a file refused before any OCR (more bytes than ``maxFileBytes``, no image the service
    /// reads, more pixels than ``maxPixels``, a side under ``minSide``), or nil when it may be read: what an
    /// asynchronous upload checks before it queues the file, so the client hears of a bad file in the task at once.
    public func refusal(of file: UploadedFile, index: Int, logger: Logger) -> FileOutcome? {
        if let refusal = file.refusal {
            return outcome(of: .refused(refusal), for: file, index: index, key: nil, logger: logger)
        }
        guard file.bytes.count <= maxFileBytes else {
            return outcome(of: .tooLarge(bytes: file.bytes.count), for: file, index: index, key: nil, logger: logger)
        }
        do throws(ImageError) {
            try UploadedImage.inspect(file.bytes, maxPixels: maxPixels, minSide: minSide)
            return nil
        } catch {
            return outcome(of: .refused(error), for: file, index: index, key: nil, logger: logger)
        }
    }

    /// ``refusal(of:index:logger:)`` for every file, `parallelism` at a time (the check decodes a thumbnail of each
    /// image): index `i` of the answer is file `i`'s.
    /// - Note: Blocks the calling thread until every file is checked.
    public func refusals(of files: [UploadedFile], logger: Logger) -> [FileOutcome?] {
        let refusals = Mutex<[FileOutcome?]>(Array(repeating: nil, count: files.count))
        threads.perform(iterations: files.count, width: parallelism) { index in
            let refusal = refusal(of: files[index], index: index, logger: logger)
            // A refused file never reaches a job worker: its OCR line is written now.
            refusal?.log(to: logger)
            refusals.withLock { $0[index] = refusal }
        }
        return refusals.withLock { $0 }
    }

    /// Runs one file through the steps on the calling thread (a job worker's): what ``process(_:logger:)`` does for
    /// each file of a batch. Logs the file's OCR line (``FileOutcome/log(to:)``) once its outcome is known.
    public func process(_ file: UploadedFile, index: Int, logger: Logger) -> FileOutcome {
        let outcome = run(file, index: index, logger: logger)
        outcome.log(to: logger)
        return outcome
    }

    private func run(_ file: UploadedFile, index: Int, logger: Logger) -> FileOutcome {
        let start = ContinuousClock.now
        if let refusal = file.refusal {
            return outcome(of: .refused(refusal), for: file, index: index, key: nil, logger: logger)
        }
        guard file.bytes.count <= maxFileBytes else {
            // Refused before any work, so no time and no hash.
            return outcome(of: .tooLarge(bytes: file.bytes.count), for: file, index: index, key: nil, logger: logger)
        }
        let imageSHA256 = SHA256.hash(file.bytes)
        let key = CacheKey(imageSHA256: imageSHA256, key: SHA256.hash(imageSHA256 + Array(pipelineVersion.utf8)))
        let resolution: Resolution
        do {
            // The connection is held for the whole file: the lock is a session lock, and held by this session.
            resolution = try databases.withResource {
                resolve(file, key: key, cache: PostgresCacheStore(connection: $0), logger: logger)
            }
        } catch {
            resolution = .unavailable(error)
        }
        var outcome = outcome(of: resolution, for: file, index: index, key: key, logger: logger)
        outcome.processingTime = start.duration(to: .now)
        return outcome
    }

    /// Look up, inspect, then read under the key's lock, or without it when the lock cannot be had.
    private func resolve(
        _ file: UploadedFile, key: CacheKey, cache: PostgresCacheStore, logger: Logger
    ) -> Resolution {
        if let entry = cachedEntry(for: key, in: cache, logger: logger) { return .cached(entry) }
        do throws(ImageError) {
            try UploadedImage.inspect(file.bytes, maxPixels: maxPixels, minSide: minSide)
        } catch {
            return .refused(error)
        }
        switch resolveUnderLock(file, key: key, cache: cache, logger: logger) {
        case .resolved(let resolution):
            return resolution
        case .lockUnavailable(let error):
            logger.warning(
                "OCR cache lock unavailable; reading without it",
                metadata: [LogKey.error: "\(String(reflecting: error))"])
            return recognizeAndStore(file, key: key, cache: cache, logger: logger)
        }
    }

    /// A look-up that fails reads as a miss: the file is then read (and the failure logged).
    private func cachedEntry(
        for key: CacheKey, in cache: PostgresCacheStore, logger: Logger
    ) -> PostgresCacheStore.Entry? {
        do {
            return try cache.entry(for: key.key)
        } catch {
            logger.debug(
                "OCR cache look-up failed; reading the image", metadata: [LogKey.error: "\(String(reflecting: error))"])
            return nil
        }
    }

    /// What holding the key's lock gave.
    private enum LockedResolution {
        /// The lock was had, and the file resolved under it.
        case resolved(Resolution)
        /// Nothing was read: the lock timed out, or the database failed before the second look-up answered.
        case lockUnavailable(any Error)
    }

    private func resolveUnderLock(
        _ file: UploadedFile, key: CacheKey, cache: PostgresCacheStore, logger: Logger
    ) -> LockedResolution {
        do {
            // Only the lock's own statements and the second look-up throw here: recognizeAndStore does not, so an
            // error always means the file has not been read yet.
            return .resolved(
                try cache.withLock(for: key.key, timeout: singleFlightWait) {
                    try cachedOrRecognized(file, key: key, cache: cache, logger: logger)
                })
        } catch {
            return .lockUnavailable(error)
        }
    }

    /// Under the lock: another upload of this image may have finished while this one waited.
    private func cachedOrRecognized(
        _ file: UploadedFile, key: CacheKey, cache: PostgresCacheStore, logger: Logger
    ) throws -> Resolution {
        if let entry = try cache.entry(for: key.key) { return .cached(entry) }
        return recognizeAndStore(file, key: key, cache: cache, logger: logger)
    }

    /// Reads the image with a router from the pool, then stores a result that has items.
    private func recognizeAndStore(
        _ file: UploadedFile, key: CacheKey, cache: PostgresCacheStore, logger: Logger
    ) -> Resolution {
        let routed: RoutedOCRResult
        do {
            routed = try routers.withResource { $0.recognize(PreparedImage(original: file.bytes)) }
        } catch {
            return .unavailable(error)
        }
        logFailedTiers(of: routed, logger: logger)
        guard routed.result.isSuccess, !routed.result.items.isEmpty else {
            return .recognized(routed, cacheable: nil)
        }
        // The hash (SHA-256 of the canonical JSON) is computed once, for the cache and the answer.
        let result = CanonicalResult(of: routed)
        let entry = PostgresCacheStore.Entry(result: result, resultHash: result.hash)
        store(entry, for: key, in: cache, logger: logger)
        return .recognized(routed, cacheable: entry)
    }

    /// Caches `entry`; a failure is logged and the file still answered.
    private func store(
        _ entry: PostgresCacheStore.Entry, for key: CacheKey, in cache: PostgresCacheStore, logger: Logger
    ) {
        purgeExpiredEntriesHourly(cache, logger: logger)
        do {
            try cache.store(
                entry, for: key.key, imageSHA256: key.imageSHA256,
                pipelineVersion: pipelineVersion, timeToLive: cacheTimeToLive)
        } catch {
            logger.warning("OCR result not cached", metadata: [LogKey.error: "\(String(reflecting: error))"])
        }
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

    /// A tier that failed is an operator's concern (keys, quota, outages) even when a later tier saved the file.
    private func logFailedTiers(of routed: RoutedOCRResult, logger: Logger) {
        // A skipped tier was not called: its breaker's opening, or the budget, is logged once, not per file.
        for attempt in routed.attempts where !attempt.result.isSuccess && attempt.outcome != .skipped {
            logger.warning(
                "OCR tier failed",
                metadata: [
                    LogKey.provider: "\(attempt.provider)", LogKey.tier: "\(attempt.tierIndex + 1)",
                    LogKey.error:
                        "\(attempt.result.failureReason?.rawValue ?? "error"): \(attempt.result.failureMessage ?? "")",
                ])
        }
    }

    // MARK: - Outcomes

    /// The file's outcome for `resolution`; `processingTime` is left to the caller.
    private func outcome(
        of resolution: Resolution, for file: UploadedFile, index: Int, key: CacheKey?, logger: Logger
    ) -> FileOutcome {
        var outcome = FileOutcome(
            index: index, fileName: file.name, imageSHA256: key?.imageSHA256, cached: false, processingTime: .zero,
            items: [])
        outcome.page = file.page
        switch resolution {
        case .tooLarge(let bytes):
            outcome.errorCode = .fileTooLarge
            outcome.errorMessage = "The file is \(bytes) bytes; the limit is \(maxFileBytes)"
        case .cached(let entry):
            outcome.cached = true
            outcome.result = entry.result
            outcome.resultHash = entry.resultHash
            outcome.items = entry.result.items
        case .refused(let error):
            outcome.errorCode = FileErrorCode(error.code)
            outcome.errorMessage = error.message
            outcome.imageSHA256 = nil
        case .recognized(let routed, let cacheable):
            apply(routed, cacheable: cacheable, to: &outcome)
        case .unavailable(let error):
            logger.error(
                "The OCR pipeline could not start", metadata: [LogKey.error: "\(String(reflecting: error))"])
            outcome.errorCode = .ocrUnavailable
            outcome.errorMessage = "The OCR engine could not be started"
        }
        return outcome
    }

    /// Fills `outcome` from a fresh run: success when some tier returned items (`cacheable`), otherwise the
    /// clearest failure.
    private func apply(
        _ routed: RoutedOCRResult, cacheable: PostgresCacheStore.Entry?, to outcome: inout FileOutcome
    ) {
        outcome.routed = routed
        if let cacheable {
            outcome.result = cacheable.result
            outcome.resultHash = cacheable.resultHash
            outcome.items = routed.result.items
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
