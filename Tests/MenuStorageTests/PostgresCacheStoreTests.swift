import Digest
import Foundation
import JSON
import Logging
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Testing

/// The result cache against a real PostgreSQL: expiry, purge and the single-flight lock between two sessions.
struct PostgresCacheStoreTests {
    static func migrated() throws -> (ScratchSchema, PostgresConnection) {
        let schema = try ScratchSchema()
        return (schema, try schema.makeMigratedConnection())
    }

    @Test func entriesExpireAndArePurged() throws {
        let (schema, connection) = try Self.migrated()
        defer {
            connection.close()
            schema.drop()
        }
        let cache = PostgresCacheStore(connection: connection)
        let result = try #require(
            CanonicalResult(
                json: .object([
                    ("provider", "tesseract"), ("tier", 3), ("confidence", .double(0.9)), ("menu_items", .array([])),
                ])))
        let fresh = SHA256.hash(Array("fresh".utf8))
        let stale = SHA256.hash(Array("stale".utf8))
        for key in [fresh, stale] {
            try cache.store(
                .init(result: result, resultHash: "h"), for: key, imageSHA256: key, pipelineVersion: "v1",
                timeToLive: .seconds(3600))
        }
        try connection.query("UPDATE ocr_cache SET expires_at = now() - interval '1 second' WHERE cache_key = \(stale)")
        #expect(try cache.entry(for: fresh)?.result == result)
        #expect(try cache.entry(for: stale) == nil)
        #expect(try cache.purgeExpired() == 1)
        #expect(try cache.purgeExpired() == 0)
        #expect(try cache.entry(for: fresh) != nil)
    }

    @Test func aRowThatIsNoCanonicalResultIsAMiss() throws {
        let (schema, connection) = try Self.migrated()
        defer {
            connection.close()
            schema.drop()
        }
        let cache = PostgresCacheStore(connection: connection)
        let key = SHA256.hash(Array("image".utf8))
        let result = try #require(
            CanonicalResult(
                json: .object([("provider", "clova"), ("tier", 2), ("confidence", 1), ("menu_items", .array([]))])))
        try cache.store(
            .init(result: result, resultHash: "h"), for: key, imageSHA256: key, pipelineVersion: "v1",
            timeToLive: .seconds(3600))
        #expect(try cache.entry(for: key)?.result.provider == "clova")
        try connection.query("UPDATE ocr_cache SET result = '{\"provider\": 1}'::jsonb WHERE cache_key = \(key)")
        #expect(try cache.entry(for: key) == nil)
    }

    @Test func aSecondSessionWaitsForTheLockAndGivesUpAfterItsTimeout() throws {
        let (schema, connection) = try Self.migrated()
        let other = schema.makeConnection()
        defer {
            connection.close()
            other.close()
            schema.drop()
        }
        let key = SHA256.hash(Array("image".utf8))
        let first = PostgresCacheStore(connection: connection)
        let second = PostgresCacheStore(connection: other)
        var secondFailed = false
        try first.withLock(for: key, timeout: .seconds(5)) {
            do {
                try second.withLock(for: key, timeout: .milliseconds(200)) {}
            } catch let error as PostgresError {
                secondFailed = error.sqlState == "55P03"  // lock_not_available
            }
        }
        #expect(secondFailed)
        // Released: the second session gets it now.
        var ran = false
        try second.withLock(for: key, timeout: .seconds(1)) { ran = true }
        #expect(ran)
    }
}
