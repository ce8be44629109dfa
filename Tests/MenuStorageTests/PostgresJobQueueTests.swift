import Dispatch
import Foundation
import JSON
import Logging
import MenuKnowledgeTesting
import MenuModel
import MenuStorage
import Postgres
import Synchronization
import Testing

/// The queue of asynchronous uploads against a real PostgreSQL: claims, leases, re-claims, and finishing files.
struct PostgresJobQueueTests {
    /// A migrated schema with one restaurant.
    struct Fixture {
        let schema: ScratchSchema
        let connection: PostgresConnection
        let restaurant: UUID

        init() throws {
            schema = try ScratchSchema()
            connection = try schema.makeMigratedConnection()
            restaurant = try PostgresRestaurantStore(connection: connection).create(name: "국숫집").id
        }

        func drop() {
            connection.close()
            schema.drop()
        }

        func count(_ sql: String) throws -> Int {
            try connection.query(PostgresQuery(unsafeSQL: sql)).first?.decode(Int.self, at: 0) ?? -1
        }

        func files(_ count: Int) -> [PostgresJobQueue.QueuedFile] {
            (0..<count).map { .init(index: $0, name: "menu\($0).jpg", bytes: [0xFF, 0xD8, UInt8($0)]) }
        }
    }

    static func success(_ file: PostgresJobQueue.ClaimedFile) -> FileOutcome {
        let item = MenuItem(nameKorean: "칼국수", prices: [MenuPrice(amount: 9000)], confidence: 0.9)
        return FileOutcome(
            index: file.index, fileName: file.name, cached: false, processingTime: .milliseconds(5), items: [item])
    }

    @Test func filesAreClaimedInUploadOrderAndTheLastOneEndsTheTask() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let queue = PostgresJobQueue(connection: fixture.connection)
        let task = UUID()
        let refused = FileOutcome(
            index: 2, fileName: "bad.jpg", cached: false, processingTime: .zero, items: [],
            errorCode: .invalidImage, errorMessage: "no image")
        let status = try queue.enqueue(
            task: task, restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(2), refused: [refused])
        #expect(status == .queued)
        let uploads = PostgresUploadStore(connection: fixture.connection)
        #expect(try uploads.task(task)?.status == .queued)
        #expect(try uploads.task(task)?.done == 1)

        let first = try #require(try queue.claimNext(worker: "w1", lease: .seconds(60)))
        #expect(first.index == 0)
        #expect(first.claims == 1)
        #expect(first.restaurant == fixture.restaurant)
        #expect(try queue.bytes(of: first) == [0xFF, 0xD8, 0])
        #expect(try uploads.task(task)?.status == .processing)
        let second = try #require(try queue.claimNext(worker: "w1", lease: .seconds(60)))
        #expect(second.index == 1)
        #expect(try queue.claimNext(worker: "w2", lease: .seconds(60)) == nil, "both files are held")

        #expect(try queue.finish(second, outcome: Self.success(second)) == .stored)
        #expect(try queue.finish(first, outcome: Self.success(first)) == .taskFinished(.completed))
        let stored = try #require(try uploads.task(task))
        #expect(stored.status == .completed)
        #expect(stored.successful == 2)
        #expect(stored.failed == 1)
        #expect(stored.finishedAt != nil)
        #expect(stored.results.map { $0["file"]?.stringValue } == ["menu0.jpg", "menu1.jpg", "bad.jpg"])
        #expect(try fixture.count("SELECT count(*) FROM upload_file_bytes") == 0)
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 3)
        #expect(try fixture.count("SELECT count(*) FROM menu_items") == 2)
        #expect(try queue.depth() == .init(queued: 0, claimed: 0, oldestQueuedAge: .zero, reclaims: 0, claims: 2))
    }

    @Test func aTaskWhoseFilesWereAllRefusedEndsFailedAtOnce() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let queue = PostgresJobQueue(connection: fixture.connection)
        let task = UUID()
        let refused = FileOutcome(
            index: 0, fileName: "big.jpg", cached: false, processingTime: .zero, items: [], errorCode: .fileTooLarge,
            errorMessage: "too large")
        #expect(
            try queue.enqueue(
                task: task, restaurant: fixture.restaurant, callbackURL: nil, files: [], refused: [refused]) == .failed)
        let stored = try #require(try PostgresUploadStore(connection: fixture.connection).task(task))
        #expect(stored.status == .failed)
        #expect(stored.finishedAt != nil)
        #expect(try queue.claimNext(worker: "w1", lease: .seconds(60)) == nil)
    }

    @Test func workersClaimingAtOnceNeverHoldTheSameFile() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        try PostgresJobQueue(connection: fixture.connection).enqueue(
            task: UUID(), restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(40), refused: [])
        let claimed = Mutex<[String: [Int]]>([:])
        let url = fixture.schema.url
        let group = DispatchGroup()
        for worker in ["w1", "w2", "w3"] {
            group.enter()
            Thread {
                defer { group.leave() }
                let connection = PostgresConnection(configuration: .init(url: url), logger: Logger(label: "test"))
                defer { connection.close() }
                let queue = PostgresJobQueue(connection: connection)
                var mine: [Int] = []
                while let file = try? queue.claimNext(worker: worker, lease: .seconds(60)) { mine.append(file.index) }
                claimed.withLock { $0[worker] = mine }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 30) == .success)
        let all = claimed.withLock { $0 }.values.flatMap { $0 }
        #expect(all.sorted() == Array(0..<40), "each file claimed exactly once")
    }

    @Test func aFileWhoseLeaseRanOutIsClaimedAgainAndOnlyTheNewHolderFinishesIt() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let queue = PostgresJobQueue(connection: fixture.connection)
        let task = UUID()
        try queue.enqueue(
            task: task, restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(1), refused: [])
        let lost = try #require(try queue.claimNext(worker: "dead", lease: .milliseconds(200)))
        #expect(try queue.claimNext(worker: "alive", lease: .seconds(60)) == nil, "the lease still holds")
        usleep(300_000)
        let again = try #require(try queue.claimNext(worker: "alive", lease: .seconds(60)))
        #expect(again.index == lost.index)
        #expect(again.claims == 2)
        #expect(try queue.depth().reclaims == 1)

        #expect(try queue.finish(lost, outcome: Self.success(lost)) == .leaseLost)
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 0, "the lost holder wrote nothing")
        #expect(try queue.finish(again, outcome: Self.success(again)) == .taskFinished(.completed))
        #expect(try queue.finish(again, outcome: Self.success(again)) == .leaseLost, "a file finishes once")
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 1)
        // The constraint behind "one event per file": a second event for the file is refused by the database.
        #expect(throws: PostgresError.self) {
            try fixture.connection.query(
                """
                INSERT INTO ocr_events (task_id, file_index, cached, is_run, processing_ms, status)
                VALUES (\(task), 0, false, true, 1, 'success')
                """)
        }
    }

    @Test func extendingLeasesKeepsAWorkersFiles() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let queue = PostgresJobQueue(connection: fixture.connection)
        try queue.enqueue(
            task: UUID(), restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(2), refused: [])
        let kept = try #require(try queue.claimNext(worker: "keeper", lease: .milliseconds(300)))
        for _ in 0..<4 {
            usleep(150_000)
            #expect(try queue.extendLeases(of: [kept], lease: .milliseconds(300)) == 1)
        }
        let next = try #require(try queue.claimNext(worker: "other", lease: .seconds(60)))
        #expect(next.index == 1, "the kept file was not taken")
        #expect(try queue.depth().claimed == 2)
        #expect(try queue.waiting().queued == 0)
        // A stale claim (an older claim number) is not extended: only the holder's current claim is.
        var stale = next
        stale.claims += 1
        #expect(try queue.extendLeases(of: [stale], lease: .seconds(60)) == 0)
    }

    @Test func aReleasedFileIsClaimedAgainAtOnce() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let queue = PostgresJobQueue(connection: fixture.connection)
        try queue.enqueue(
            task: UUID(), restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(1), refused: [])
        #expect(try queue.waiting().queued == 1)
        let first = try #require(try queue.claimNext(worker: "w1", lease: .seconds(60)))
        #expect(try queue.claimNext(worker: "w2", lease: .seconds(60)) == nil)
        try queue.release(first)
        let again = try #require(try queue.claimNext(worker: "w2", lease: .seconds(60)))
        #expect(again.index == first.index)
        #expect(again.claims == 2)
        #expect(try queue.finish(first, outcome: Self.success(first)) == .leaseLost)
    }

    @Test func tasksPastTheirRetentionAreDeletedAndTheirItemsKept() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let queue = PostgresJobQueue(connection: fixture.connection)
        let task = UUID()
        try queue.enqueue(
            task: task, restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(1), refused: [])
        let file = try #require(try queue.claimNext(worker: "w", lease: .seconds(60)))
        _ = try queue.finish(file, outcome: Self.success(file))
        #expect(try queue.purgeTasks(endedBefore: .seconds(3600)) == 0)
        try fixture.connection.query(
            "UPDATE upload_tasks SET completed_at = now() - interval '2 hours' WHERE id = \(task)")
        #expect(try queue.purgeTasks(endedBefore: .seconds(3600)) == 1)
        #expect(try fixture.count("SELECT count(*) FROM upload_tasks") == 0)
        #expect(try fixture.count("SELECT count(*) FROM menu_items") == 1)
    }

    @Test func purgingTasksNeverLowersTheClaimAndDeliveryCounters() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let queue = PostgresJobQueue(connection: fixture.connection)
        let webhooks = PostgresWebhookStore(connection: fixture.connection)
        _ = try webhooks.setWebhook(of: fixture.restaurant, url: "https://example.com/hook")
        let task = UUID()
        try queue.enqueue(
            task: task, restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(1), refused: [])
        _ = try #require(try queue.claimNext(worker: "dead", lease: .milliseconds(200)))
        usleep(300_000)
        let again = try #require(try queue.claimNext(worker: "alive", lease: .seconds(60)))
        #expect(try queue.finish(again, outcome: Self.success(again)) == .taskFinished(.completed))
        let delivery = try #require(try webhooks.claimDueDelivery(sendTimeout: .seconds(10)))
        try webhooks.record(delivery, httpStatus: 500, duration: .milliseconds(5), error: nil, outcome: .gaveUp)
        #expect(try queue.depth().claims == 2)
        #expect(try queue.depth().reclaims == 1)
        #expect(try webhooks.counts().failedAttempts == 1)

        // The task's retention ends: its files and attempts are deleted, their counts stay.
        try fixture.connection.query(
            "UPDATE upload_tasks SET completed_at = now() - interval '2 hours' WHERE id = \(task)")
        #expect(try queue.purgeTasks(endedBefore: .seconds(3600)) == 1)
        #expect(try fixture.count("SELECT count(*) FROM upload_files") == 0)
        #expect(try fixture.count("SELECT count(*) FROM webhook_attempts") == 0)
        #expect(try queue.depth().claims == 2)
        #expect(try queue.depth().reclaims == 1)
        #expect(try webhooks.counts().failedAttempts == 1)
        #expect(try webhooks.counts().failed == 0, "deliveries by state are of the kept tasks: a gauge")
        // A second purge finds nothing and adds nothing; a new claim counts on top.
        #expect(try queue.purgeTasks(endedBefore: .seconds(3600)) == 0)
        try queue.enqueue(
            task: UUID(), restaurant: fixture.restaurant, callbackURL: nil, files: fixture.files(1), refused: [])
        _ = try #require(try queue.claimNext(worker: "alive", lease: .seconds(60)))
        #expect(try queue.depth().claims == 3)
        #expect(try queue.depth().reclaims == 1)
    }
}
