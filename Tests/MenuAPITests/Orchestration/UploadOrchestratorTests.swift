import Digest
import Dispatch
import Foundation
import JSON
import Logging
import MenuAPI
import MenuKnowledgeTesting
import MenuModel
import MenuStorage
import OCR
import Postgres
import Synchronization
import Testing

/// Every path of the per-file flow, in process, against a real PostgreSQL scratch schema and scripted tiers: look
/// up → inspect → lock or bypass → recognise → store.
struct UploadOrchestratorTests {
    // MARK: - Look up, recognise, store

    @Test func aMissIsReadAndItsResultStored() throws {
        let provider = ScriptedOCRProvider(reply: .reading(items: 3))
        let harness = try OrchestratorHarness(providers: [provider])
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 120)
        #expect(try harness.storedEntry(for: file.bytes) == nil)

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.isSuccess)
        #expect(!outcome.cached)
        #expect(outcome.items.count == 3)
        #expect(outcome.imageSHA256 == SHA256.hash(file.bytes))
        #expect(outcome.routed?.attempts.map(\.outcome) == [.accepted])
        #expect(provider.calls == 1)
        let stored = try #require(try harness.storedEntry(for: file.bytes))
        #expect(stored.resultHash == outcome.resultHash)
        #expect(stored.result == outcome.result)
    }

    @Test func aCachedImageIsAnsweredAtOnceWithoutATier() throws {
        let provider = ScriptedOCRProvider(reply: .reading(items: 2))
        let harness = try OrchestratorHarness(providers: [provider])
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 130)
        let first = try #require(harness.process([file]).first)

        let second = try #require(harness.process([file]).first)
        #expect(second.isSuccess)
        #expect(second.cached)
        #expect(second.resultHash == first.resultHash)
        #expect(second.items.map(\.nameKorean) == first.items.map(\.nameKorean))
        #expect(second.routed == nil)
        #expect(second.imageSHA256 == SHA256.hash(file.bytes))
        #expect(provider.calls == 1)
    }

    /// The look-up comes before the inspection: stored bytes were inspected when their result was stored.
    @Test func aCacheHitIsNotInspectedAgain() throws {
        let provider = ScriptedOCRProvider()
        let harness = try OrchestratorHarness(providers: [provider])
        defer { harness.close() }
        let bytes = Array("not an image, but cached".utf8)
        let result = try #require(
            CanonicalResult(
                json: .object([
                    ("provider", "tesseract"), ("tier", 1), ("confidence", .double(0.9)),
                    ("menu_items", .array([MenuItem(nameKorean: "메뉴").json])),
                ])))
        try PostgresCacheStore(connection: harness.observer).store(
            .init(result: result, resultHash: result.hash), for: harness.cacheKey(of: bytes),
            imageSHA256: SHA256.hash(bytes), pipelineVersion: harness.pipelineVersion, timeToLive: .seconds(60))

        let outcome = try #require(harness.process([UploadedFile(name: "x", bytes: bytes)]).first)
        #expect(outcome.cached)
        #expect(outcome.resultHash == result.hash)
        #expect(provider.calls == 0)
    }

    @Test func aReadingWithoutItemsFailsTheFileAndIsNotStored() throws {
        let provider = ScriptedOCRProvider(reply: .reading(items: 0))
        let harness = try OrchestratorHarness(providers: [provider])
        defer { harness.close() }
        let file = try TestImages.file("blank.jpg", width: 140)

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.errorCode == .noMenuItems)
        #expect(outcome.errorMessage == "No menu items were found in the image")
        #expect(try harness.storedEntry(for: file.bytes) == nil)
        _ = harness.process([file])
        #expect(provider.calls == 2)
    }

    // MARK: - Lock or bypass

    @Test func aDuplicateWaitsOnTheLockAndIsServedFromTheCache() throws {
        let gate = DispatchSemaphore(value: 0)
        let provider = ScriptedOCRProvider(reply: .reading(items: 2), gate: gate)
        var options = OrchestratorHarness.Options()
        options.parallelism = 2
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 150)

        let upload = harness.start([file, UploadedFile(name: "again.jpg", bytes: file.bytes)])
        #expect(provider.started.wait(timeout: .now() + 20) == .success)
        // The other file's session is blocked in pg_advisory_lock: a condition PostgreSQL shows, polled.
        try Self.eventually { try harness.sessionsWaitingForALock() == 1 }
        gate.signal()
        let outcomes = try #require(upload.wait())

        #expect(provider.calls == 1)
        #expect(outcomes.map(\.isSuccess) == [true, true])
        #expect(outcomes.filter(\.cached).count == 1)
        #expect(outcomes[0].resultHash == outcomes[1].resultHash)
        #expect(harness.log.lines("OCR cache lock unavailable; reading without it").isEmpty)
    }

    @Test func whenTheLockTimesOutTheImageIsReadWithoutItAndStored() throws {
        let provider = ScriptedOCRProvider(reply: .reading(items: 1))
        var options = OrchestratorHarness.Options()
        options.singleFlightWait = .milliseconds(300)
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 160)
        // Another process's upload of the same image holds the lock, and does not finish in time.
        let holder = harness.schema.makeConnection()
        defer { holder.close() }
        try holder.query("SELECT pg_advisory_lock(\(harness.lockID(of: file.bytes)))")

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.isSuccess)
        #expect(!outcome.cached)
        #expect(provider.calls == 1)
        let warning = try #require(harness.log.lines("OCR cache lock unavailable; reading without it").first)
        #expect(warning.level == .warning)
        #expect("\(warning.metadata[LogKey.error] ?? "")".contains("55P03"))
        #expect(try harness.storedEntry(for: file.bytes)?.resultHash == outcome.resultHash)
    }

    // MARK: - The database gone

    /// The session is terminated while the tier reads, and cannot come back (its role may no longer log in): the
    /// file is still answered, the failures to purge and store are logged, and nothing is stored.
    @Test func theDatabaseGoneMidFileStillAnswersTheFileUncached() throws {
        let role = "orch_role_" + UUID().uuidString.prefix(8).lowercased()
        let admin = PostgresConnection(
            configuration: .init(url: try TestEnvironment.databaseURL()), logger: .init(label: "test.admin"))
        defer {
            _ = try? admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(role)")
            _ = try? admin.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(role)"))
            _ = try? admin.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(role)"))
            admin.close()
        }
        try admin.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN"))
        let baseURL = try TestEnvironment.databaseURL()
        let applicationName = Mutex("")
        let cut = Mutex(true)
        let provider = ScriptedOCRProvider(reply: .reading(items: 2)) {
            guard cut.withLock({ $0 }) else { return }
            let session = PostgresConnection(configuration: .init(url: baseURL), logger: .init(label: "test.cut"))
            defer { session.close() }
            // The role is ours (letters, digits and _): no input reaches the identifier.
            _ = try? session.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(role) NOLOGIN"))
            let name = applicationName.withLock { $0 }
            _ = try? session.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(name)")
        }
        var options = OrchestratorHarness.Options()
        // The role's own URL, without the scratch schema's search_path option: the role's setting below gives it.
        var url = try #require(URLComponents(string: baseURL))
        url.user = role
        options.databaseURL = url.string
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        applicationName.withLock { $0 = harness.applicationName }
        try harness.observer.query(PostgresQuery(unsafeSQL: "GRANT USAGE ON SCHEMA \(harness.schema.name) TO \(role)"))
        try harness.observer.query(
            PostgresQuery(unsafeSQL: "GRANT ALL ON ALL TABLES IN SCHEMA \(harness.schema.name) TO \(role)"))
        // Read when the pool first connects, which is after this.
        try admin.query(
            PostgresQuery(unsafeSQL: "ALTER ROLE \(role) SET search_path = \(harness.schema.name)"))
        let file = try TestImages.file("menu.jpg", width: 170)

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.isSuccess)
        #expect(!outcome.cached)
        #expect(outcome.items.count == 2)
        #expect(harness.log.lines("OCR result not cached").count == 1)
        #expect(harness.log.lines("Cache purge failed").count == 1)
        #expect(try harness.storedEntry(for: file.bytes) == nil)

        // The database back: the next upload reconnects, reads the image again and stores it.
        cut.withLock { $0 = false }
        try admin.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(role) LOGIN"))
        let again = try #require(harness.process([file]).first)
        #expect(again.isSuccess)
        #expect(provider.calls == 2)
        #expect(try harness.storedEntry(for: file.bytes)?.resultHash == again.resultHash)
    }

    @Test func anUnreachableDatabaseStillReadsEveryFile() throws {
        let provider = ScriptedOCRProvider(reply: .reading(items: 1))
        var options = OrchestratorHarness.Options()
        // Port 1 on loopback: nothing listens, so every connection is refused at once.
        options.databaseURL = "postgresql://menu_api@127.0.0.1:1/menu_api"
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        let files = [try TestImages.file("a.jpg", width: 180), try TestImages.file("b.jpg", width: 190)]

        let outcomes = harness.process(files)
        #expect(outcomes.map(\.isSuccess) == [true, true])
        #expect(outcomes.map(\.cached) == [false, false])
        #expect(provider.calls == 2)
        #expect(harness.log.lines("OCR cache lock unavailable; reading without it").count == 2)
        #expect(harness.log.lines("OCR result not cached").count == 2)
        #expect(harness.log.lines("OCR cache look-up failed; reading the image").count == 2)
    }

    // MARK: - No router

    @Test func aRouterThatCannotBeMadeFailsTheFileAsOCRUnavailable() throws {
        struct EngineMissing: Error {}
        var options = OrchestratorHarness.Options()
        options.makeRouter = { throw EngineMissing() }
        let harness = try OrchestratorHarness(providers: [], options: options)
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 200)

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.errorCode == .ocrUnavailable)
        #expect(outcome.errorMessage == "The OCR engine could not be started")
        #expect(outcome.routed == nil)
        #expect(outcome.imageSHA256 == SHA256.hash(file.bytes))
        let line = try #require(harness.log.lines("The OCR pipeline could not start").first)
        #expect(line.level == .error)
        #expect(try harness.storedEntry(for: file.bytes) == nil)
    }

    /// With every router lent, a file waits for one rather than failing.
    @Test func aFileWaitsForARouterWhileThePoolIsExhausted() throws {
        let gate = DispatchSemaphore(value: 0)
        let provider = ScriptedOCRProvider(reply: .reading(items: 1), gate: gate)
        var options = OrchestratorHarness.Options()
        options.routerCapacity = 1
        options.parallelism = 2
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        let files = [try TestImages.file("a.jpg", width: 210), try TestImages.file("b.jpg", width: 220)]

        let upload = harness.start(files)
        #expect(provider.started.wait(timeout: .now() + 20) == .success)
        // Only a negative can be shown here: the second file does not reach a tier while the only router is lent.
        #expect(provider.started.wait(timeout: .now() + .milliseconds(300)) == .timedOut)
        gate.signal()
        gate.signal()
        let outcomes = try #require(upload.wait())
        #expect(outcomes.map(\.isSuccess) == [true, true])
        #expect(provider.calls == 2)
        #expect(provider.mostAtOnce == 1)
    }

    // MARK: - Recognise

    @Test func aProviderSlowerThanTheDeadlineFailsTheFileAsTimedOut() throws {
        let provider = ScriptedOCRProvider("gpt_vision", reply: .slow(.seconds(30)))
        var options = OrchestratorHarness.Options()
        options.deadline = .milliseconds(400)
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 230)

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.errorCode == .ocrFailed)
        #expect(outcome.errorMessage == "Every OCR tier failed: gpt_vision: timeout")
        #expect(outcome.routed?.attempts.map(\.outcome) == [.failed])
        #expect(outcome.processingTime < .seconds(10))
        let line = try #require(harness.log.lines("OCR tier failed").first)
        #expect(line.metadata[LogKey.provider] == "gpt_vision")
        #expect(try harness.storedEntry(for: file.bytes) == nil)
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var reasons: [OCRFailureReason]
        var code: FileErrorCode
        var message: String
        var testDescription: String { "\(reasons) → \(code.rawValue)" }
    }

    static let failureCases = [
        FailureCase(
            reasons: [.rateLimited, .serverError], code: .ocrFailed,
            message: "Every OCR tier failed: gpt_vision: rate_limited, clova: server_error"),
        FailureCase(
            reasons: [.invalidImage, .invalidImage], code: .invalidImage, message: "The image cannot be decoded"),
        FailureCase(
            reasons: [.invalidImage, .timeout], code: .ocrFailed,
            message: "Every OCR tier failed: gpt_vision: invalid_image, clova: timeout"),
    ]

    @Test(arguments: failureCases)
    func everyTierFailingFailsTheFile(_ failure: FailureCase) throws {
        let providers = zip(["gpt_vision", "clova"], failure.reasons).map {
            ScriptedOCRProvider($0, reply: .failure($1))
        }
        let harness = try OrchestratorHarness(providers: providers)
        defer { harness.close() }
        let file = try TestImages.file("menu.jpg", width: 240)

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.errorCode == failure.code)
        #expect(outcome.errorMessage == failure.message)
        #expect(outcome.routed?.attempts.count == 2)
        #expect(providers.map(\.calls) == [1, 1])
        #expect(harness.log.lines("OCR tier failed").count == 2)
        #expect(try harness.storedEntry(for: file.bytes) == nil)
    }

    // MARK: - Inspect and size

    @Test func aFileOverTheSizeLimitIsRefusedBeforeAnyWork() throws {
        let provider = ScriptedOCRProvider()
        var options = OrchestratorHarness.Options()
        let file = try TestImages.file("big.jpg", width: 250)
        options.maxFileBytes = file.bytes.count - 1
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }

        let outcome = try #require(harness.process([file]).first)
        #expect(outcome.errorCode == .fileTooLarge)
        #expect(
            outcome.errorMessage == "The file is \(file.bytes.count) bytes; the limit is \(file.bytes.count - 1)")
        #expect(outcome.processingTime == .zero)
        #expect(outcome.imageSHA256 == nil)
        #expect(provider.calls == 0)
        #expect(try harness.storedEntry(for: file.bytes) == nil)
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: @Sendable () throws -> [UInt8]
        var maxPixels = 40_000_000
        /// The service's default.
        var minSide = 200
        var code: FileErrorCode
        var message: String
        var testDescription: String { name }
    }

    static let invalidCases = [
        InvalidCase(name: "empty", bytes: { [] }, code: .invalidImage, message: "The file is empty"),
        InvalidCase(
            name: "text", bytes: { Array("hello".utf8) }, code: .invalidImage,
            message: "The file is not a JPEG, PNG, WebP or HEIC image, nor a PDF"),
        InvalidCase(
            name: "truncated JPEG",
            bytes: {
                let whole = try TestImages.jpeg(width: 400)
                return Array(whole.prefix(whole.count / 2))
            }, code: .invalidImage,
            message: "The JPEG image is truncated or corrupt"),
        InvalidCase(
            name: "too many pixels", bytes: { try TestImages.jpeg(width: 260) }, maxPixels: 1000,
            code: .imageTooLarge, message: "pixels; the limit is 0 MP"),
        InvalidCase(
            name: "short side under the minimum", bytes: { try TestImages.jpeg(width: 290) }, code: .imageTooSmall,
            message: "The image is 290x193 pixels; its short side must be at least 200 pixels to hold a readable menu"),
        InvalidCase(
            name: "short side under a lowered minimum", bytes: { try TestImages.jpeg(width: 60) }, minSide: 41,
            code: .imageTooSmall, message: "its short side must be at least 41 pixels to hold a readable menu"),
    ]

    @Test(arguments: invalidCases)
    func anInvalidImageIsRefusedBeforeAnyTier(_ invalid: InvalidCase) throws {
        let provider = ScriptedOCRProvider()
        var options = OrchestratorHarness.Options()
        options.maxPixels = invalid.maxPixels
        options.minSide = invalid.minSide
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }

        let outcome = try #require(harness.process([UploadedFile(name: "bad", bytes: try invalid.bytes())]).first)
        #expect(outcome.errorCode == invalid.code)
        #expect(outcome.errorMessage?.hasSuffix(invalid.message) == true, "\(outcome.errorMessage ?? "nil")")
        #expect(outcome.imageSHA256 == nil)
        #expect(provider.calls == 0)
    }

    // MARK: - Parallel files

    @Test func outcomesFollowTheUploadOrderWhileFilesRunInParallel() throws {
        let gate = DispatchSemaphore(value: 0)
        let provider = ScriptedOCRProvider(reply: .reading(items: 1), gate: gate)
        var options = OrchestratorHarness.Options()
        options.parallelism = 4
        options.maxFileBytes = 1_000_000
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        var files = try (0..<6).map { try TestImages.file("menu\($0).jpg", width: 100 + 10 * $0) }
        files.insert(UploadedFile(name: "notes.txt", bytes: Array("notes".utf8)), at: 2)
        files.insert(UploadedFile(name: "huge.jpg", bytes: Array(repeating: 0xFF, count: 1_000_001)), at: 5)

        let upload = harness.start(files)
        // Four files reach the tier at once (three pool threads and the caller), and a fifth only when one ends.
        for _ in 0..<4 { #expect(provider.started.wait(timeout: .now() + 20) == .success) }
        #expect(provider.started.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        for _ in 0..<6 { gate.signal() }
        let outcomes = try #require(upload.wait())

        #expect(provider.mostAtOnce == 4)
        #expect(outcomes.map(\.index) == Array(files.indices))
        #expect(outcomes.map(\.fileName) == files.map(\.name))
        #expect(outcomes[2].errorCode == .invalidImage)
        #expect(outcomes[5].errorCode == .fileTooLarge)
        for (file, outcome) in zip(files, outcomes) where outcome.isSuccess {
            #expect(outcome.items.first?.nameKorean == "메뉴 \(file.bytes.count) #0")
        }
        #expect(outcomes.filter(\.isSuccess).count == 6)
    }

    /// Several requests at once on a pool of one thread: each caller runs its own files, none waits for the pool.
    @Test func concurrentRequestsOnASaturatedPoolAllFinish() throws {
        let provider = ScriptedOCRProvider(reply: .reading(items: 1))
        var options = OrchestratorHarness.Options()
        options.parallelism = 4
        options.threads = WorkerThreadPool(threadCount: 1)
        let harness = try OrchestratorHarness(providers: [provider], options: options)
        defer { harness.close() }
        let uploads = try (0..<4).map { request in
            harness.start(
                try (0..<3).map { try TestImages.file("r\(request)f\($0).jpg", width: 30 + 5 * (3 * request + $0)) })
        }
        for upload in uploads {
            let outcomes = try #require(upload.wait())
            #expect(outcomes.map(\.isSuccess) == [true, true, true])
        }
        #expect(provider.calls == 12)
    }

    // MARK: - Helpers

    /// Polls `condition` until it holds, failing after `timeout`: for conditions only PostgreSQL can show.
    static func eventually(
        timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () throws -> Bool
    ) throws {
        let end = ContinuousClock.now + timeout
        while try !condition() {
            guard ContinuousClock.now < end else {
                Issue.record("the condition never held", sourceLocation: sourceLocation)
                return
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

}
