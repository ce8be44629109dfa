import Digest
import Dispatch
import Foundation
import Logging
import MenuAPI
import MenuKnowledgeTesting
import MenuStorage
import OCR
import Postgres
import Synchronization
import Vips

/// One orchestrator over a migrated scratch schema, with scripted tiers and a log that can be read back.
///
/// Its pool's sessions carry an application name of their own, so a test can find them in `pg_stat_activity` (to
/// see one waiting on the lock, or to terminate it), and its pipeline version is its own, so its advisory locks
/// never meet another test's (the locks are database-wide, not per schema).
final class OrchestratorHarness {
    struct Options {
        var routerCapacity = 4
        var parallelism = 4
        var maxFileBytes = 10_485_760
        var maxPixels = 40_000_000
        /// 1, not the service's 200: the harness's images are the 300x200 fixture shrunk to distinct widths
        /// (``TestImages``; thumbnails never enlarge), so every one is under 200 px high. These tests are about
        /// orchestration; the size rule is tested at its real default in `anInvalidImageIsRefusedBeforeAnyTier`.
        var minSide = 1
        var singleFlightWait: Duration = .seconds(20)
        var deadline: Duration = .seconds(20)
        /// Replaces the routers made from the providers (to make router creation fail).
        var makeRouter: (@Sendable () throws -> TierRouter)?
        /// Replaces the schema's URL for the pool's connections.
        var databaseURL: String?
        /// Replaces a pool of the orchestrator's own.
        var threads: WorkerThreadPool?
    }

    let schema: ScratchSchema
    let log = LogRecorder()
    let applicationName = "orch-" + UUID().uuidString.prefix(8).lowercased()
    let pipelineVersion = "test-" + UUID().uuidString.lowercased()
    private(set) var orchestrator: UploadOrchestrator
    /// The test's own session, for looking at the cache and the locks.
    let observer: PostgresConnection

    init(providers: [ScriptedOCRProvider], options: Options = Options()) throws {
        try Vips.initialize()
        schema = try ScratchSchema()
        observer = try schema.makeMigratedConnection()
        let tiers = providers
        let deadline = options.deadline
        let makeRouter =
            options.makeRouter ?? {
                TierRouter(
                    tiers: tiers.map { OCRTier(provider: $0, minimumConfidence: 0.7, timeout: deadline) },
                    deadline: deadline)
            }
        let url = options.databaseURL ?? schema.url
        let applicationName = applicationName
        let logger = log.makeLogger(label: "test.postgres")
        orchestrator = UploadOrchestrator(
            routers: ResourcePool(capacity: options.routerCapacity, make: makeRouter),
            databases: ResourcePool(capacity: options.parallelism) {
                PostgresConnection(
                    configuration: .init(url: url, connectTimeout: .seconds(2), applicationName: applicationName),
                    logger: logger)
            },
            threads: options.threads ?? WorkerThreadPool(threadCount: options.parallelism - 1),
            pipelineVersion: pipelineVersion, cacheTimeToLive: .seconds(3600), parallelism: options.parallelism,
            maxFileBytes: options.maxFileBytes, maxPixels: options.maxPixels, minSide: options.minSide,
            singleFlightWait: options.singleFlightWait)
    }

    /// Closes the test's session and drops the schema.
    func close() {
        observer.close()
        schema.drop()
    }

    /// Runs `files` through the orchestrator on this thread.
    func process(_ files: [UploadedFile]) -> [FileOutcome] {
        orchestrator.process(files, logger: log.makeLogger())
    }

    /// Starts `files` on a thread of its own; `wait` returns their outcomes.
    func start(_ files: [UploadedFile]) -> PendingUpload {
        let pending = PendingUpload()
        let orchestrator = orchestrator
        let logger = log.makeLogger()
        Thread.detachNewThread {
            pending.finish(orchestrator.process(files, logger: logger))
        }
        return pending
    }

    /// The cache key the orchestrator uses for `bytes`.
    func cacheKey(of bytes: [UInt8]) -> [UInt8] {
        SHA256.hash(SHA256.hash(bytes) + Array(pipelineVersion.utf8))
    }

    /// The advisory lock id `PostgresCacheStore` takes for `bytes`: the key's first 8 bytes, big-endian.
    func lockID(of bytes: [UInt8]) -> Int64 {
        cacheKey(of: bytes).prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// The stored entry for `bytes`, read through the test's own session.
    func storedEntry(for bytes: [UInt8]) throws -> PostgresCacheStore.Entry? {
        try PostgresCacheStore(connection: observer).entry(for: cacheKey(of: bytes))
    }

    /// How many of the orchestrator's sessions wait for an advisory lock right now.
    func sessionsWaitingForALock() throws -> Int {
        let rows = try observer.query(
            """
            SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = \(applicationName)
            """)
        return try rows.first?.decode(Int.self, column: "waiting") ?? 0
    }

    /// Ends the orchestrator's sessions from the server side, as a restart or an operator would.
    @discardableResult
    func terminateSessions(using connection: PostgresConnection) throws -> Int {
        try connection.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(applicationName)
            """
        ).count
    }
}

/// An upload running on its own thread.
final class PendingUpload: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let outcomes = Mutex<[FileOutcome]>([])

    fileprivate func finish(_ outcomes: [FileOutcome]) {
        self.outcomes.withLock { $0 = outcomes }
        done.signal()
    }

    /// The outcomes, or nil when the upload did not finish within `timeout` (a hang is a failure, not a wait for
    /// ever).
    func wait(timeout: Duration = .seconds(30)) -> [FileOutcome]? {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return outcomes.withLock { $0 }
    }
}

/// Valid, distinct images: the committed small menu fitted to a given width, as JPEG.
enum TestImages {
    static func source() throws -> [UInt8] {
        let path = TestEnvironment.repositoryRoot + "/Tests/OCRTests/Fixtures/small-menu.png"
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A JPEG `width` pixels wide: distinct widths below the source's 300 give distinct bytes, so distinct cache keys
    /// (thumbnails never enlarge).
    static func jpeg(width: Int) throws -> [UInt8] {
        try Vips.initialize()
        return try VipsImage.thumbnail(of: source(), fittingWidth: width, height: width * 10).jpegBytes()
    }

    static func file(_ name: String, width: Int) throws -> UploadedFile {
        UploadedFile(name: name, bytes: try jpeg(width: width))
    }
}
