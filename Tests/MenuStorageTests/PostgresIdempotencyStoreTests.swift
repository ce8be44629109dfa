import Foundation
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Testing

/// Idempotency keys against a real PostgreSQL.
struct PostgresIdempotencyStoreTests {
    @Test func aKeyRunsOnceThenReplaysAndRefusesAnotherRequest() throws {
        let fixture = try PostgresJobQueueTests.Fixture()
        defer { fixture.drop() }
        let store = PostgresIdempotencyStore(connection: fixture.connection)
        let restaurant = fixture.restaurant
        let request: [UInt8] = Array(repeating: 1, count: 32)
        let other: [UInt8] = Array(repeating: 2, count: 32)
        func claim(_ fingerprint: [UInt8], key: String = "k1") throws -> PostgresIdempotencyStore.Claim {
            try store.claim(
                restaurant: restaurant, key: key, requestSHA256: fingerprint, timeToLive: .seconds(60),
                runningFor: .seconds(60))
        }
        #expect(try claim(request) == .run)
        #expect(try claim(request) == .inProgress)
        #expect(try claim(other) == .reused)
        let task = UUID()
        try store.complete(
            .init(restaurant: restaurant, key: "k1", status: 202, body: Array("{\"a\":1}".utf8)), task: task)
        #expect(try claim(request) == .replay(status: 202, body: Array("{\"a\":1}".utf8), task: task))
        #expect(try claim(other) == .reused)
        // Keys are per restaurant and per key.
        #expect(try claim(other, key: "k2") == .run)
        let second = try PostgresRestaurantStore(connection: fixture.connection).create(name: "다른 집").id
        #expect(
            try store.claim(
                restaurant: second, key: "k1", requestSHA256: other, timeToLive: .seconds(60),
                runningFor: .seconds(60)) == .run)
    }

    @Test func aKeyWhoseRequestsSessionIsGoneIsFreeAtOnce() throws {
        let fixture = try PostgresJobQueueTests.Fixture()
        defer { fixture.drop() }
        let fingerprint: [UInt8] = Array(repeating: 9, count: 32)
        let doomed = fixture.schema.makeConnection()
        #expect(
            try PostgresIdempotencyStore(connection: doomed).claim(
                restaurant: fixture.restaurant, key: "k", requestSHA256: fingerprint, timeToLive: .seconds(60),
                runningFor: .seconds(600)) == .run)
        let store = PostgresIdempotencyStore(connection: fixture.connection)
        func claim() throws -> PostgresIdempotencyStore.Claim {
            try store.claim(
                restaurant: fixture.restaurant, key: "k", requestSHA256: fingerprint, timeToLive: .seconds(60),
                runningFor: .seconds(600))
        }
        #expect(try claim() == .inProgress, "its session is alive")
        doomed.close()  // the process holding it died
        let deadline = ContinuousClock.now + .seconds(5)
        var outcome = try claim()
        // The server notices the closed session a moment later.
        while outcome == .inProgress, ContinuousClock.now < deadline {
            usleep(20_000)
            outcome = try claim()
        }
        #expect(outcome == .run)
    }

    @Test func aReleasedAbandonedOrExpiredKeyRunsAgain() throws {
        let fixture = try PostgresJobQueueTests.Fixture()
        defer { fixture.drop() }
        let store = PostgresIdempotencyStore(connection: fixture.connection)
        let fingerprint: [UInt8] = Array(repeating: 7, count: 32)
        func claim(running: Duration = .seconds(60), ttl: Duration = .seconds(60)) throws
            -> PostgresIdempotencyStore.Claim
        {
            try store.claim(
                restaurant: fixture.restaurant, key: "k", requestSHA256: fingerprint, timeToLive: ttl,
                runningFor: running)
        }
        #expect(try claim() == .run)
        try store.release(restaurant: fixture.restaurant, key: "k")
        #expect(try claim(running: .milliseconds(100)) == .run, "a released key is free")
        usleep(200_000)
        #expect(try claim() == .run, "a key left running by a dead process is taken over")
        try store.complete(.init(restaurant: fixture.restaurant, key: "k", status: 200, body: []), task: nil)
        #expect(try claim() == .replay(status: 200, body: [], task: nil))
        try fixture.connection.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
        #expect(try store.purgeExpired() == 1)
        #expect(try claim() == .run, "an expired key is gone")
    }
}
