import Foundation
import MenuKnowledgeTesting
import Testing

/// nginx's abuse limits on the upload route (issue 15), at the production site's values (render-nginx.sh's
/// defaults): per client address 60 a minute with a burst of 20, per restaurant key 30 a minute with a burst of 10.
/// Requests that the responder refuses at once still count, since nginx counts them before the responder runs.
@Suite(.serialized) struct AbuseLimitTests {
    /// An upload for a restaurant that does not exist: the responder answers 404 at once, so the loop is quick.
    static let path = "/api/v1/b2b/restaurants/\(UUID().uuidString.lowercased())/menus/upload-images"

    static func statuses(_ service: LiveService, count: Int, headers: [(String, String)] = []) throws -> [Int] {
        try (0..<count).map { _ in
            let response = try service.request(
                "POST", path, headers: [("Content-Type", "text/plain")] + headers, body: Array("x".utf8))
            if response.status == 429 {
                #expect(response.headers["content-type"] == "application/json")
                #expect(
                    response.text
                        == #"{"error":{"code":"rate_limited","message":"Too many requests; try again after Retry-After seconds"}}"#
                )
                #expect(response.headers["retry-after"] == "2")
                #expect(Check.isNginxRequestID(response.headers["x-request-id"]))
            }
            return response.status
        }
    }

    @Test func oneAddressPastItsBurstGets429JSONAndOtherRoutesDoNot() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url, nginxEnvironment: [:])
        defer { service.stop() }
        let start = ContinuousClock.now
        let statuses = try Self.statuses(service, count: 30)
        let elapsed = start.duration(to: .now)
        // The burst of 20 passes (plus one a second refilled while the loop runs); the rest is refused by nginx.
        let passed = statuses.filter { $0 != 429 }.count
        print("per address: \(passed) of 30 passed in \(elapsed)")
        #expect(Set(statuses.filter { $0 != 429 }) == [404])
        #expect(passed >= 20 && passed <= 20 + 1 + Int(elapsed.components.seconds))
        #expect(statuses.suffix(5).allSatisfy { $0 == 429 })
        // Only the upload route is limited.
        for _ in 0..<30 { #expect(try service.request("GET", "/api/v1/health").status == 200) }
    }

    @Test func oneKeyPastItsBurstGets429WhileAnotherKeyStillPasses() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url, nginxEnvironment: [:])
        defer { service.stop() }
        let statuses = try Self.statuses(service, count: 14, headers: [("X-API-Key", "mk_one")])
        // The key's burst of 10 (plus at most a refill), far under the address's 20.
        let passed = statuses.filter { $0 != 429 }.count
        print("per key: \(passed) of 14 passed")
        #expect(Set(statuses.filter { $0 != 429 }) == [401])
        #expect(passed >= 10 && passed <= 12)
        #expect(statuses.last == 429)
        // Another key from the same address is not held back by the first one's count.
        #expect(try Self.statuses(service, count: 1, headers: [("Authorization", "Bearer mk_two")]) == [401])
    }
}
