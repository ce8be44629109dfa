import Foundation
import Logging
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Testing

/// A migrated scratch schema with one restaurant, for the upload suites.
struct UploadFixture {
    let schema: ScratchSchema
    let connection: PostgresConnection
    let restaurant: UUID
    let apiKey: String

    static let fixtures = TestEnvironment.repositoryRoot + "/Tests/OCRTests/Fixtures"

    init() throws {
        schema = try ScratchSchema()
        connection = try schema.makeMigratedConnection()
        (restaurant, apiKey) = try PostgresRestaurantStore(connection: connection).create(name: "테스트 식당")
    }

    func drop() {
        connection.close()
        schema.drop()
    }

    static func image(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(name)")))
    }

    var uploadPath: String { "/api/v1/b2b/restaurants/\(restaurant.uuidString.lowercased())/menus/upload-images" }

    /// POSTs `files` (name, bytes) as `curl -F files=@...` does.
    static func upload(
        _ service: LiveService, path: String, files: [(String, [UInt8])], headers: [(String, String)] = []
    ) throws -> TestHTTPResponse {
        try upload(port: service.port, path: path, files: files, headers: headers)
    }

    /// The same through nginx's port, for callers on other threads.
    static func upload(
        port: Int, path: String, files: [(String, [UInt8])], headers: [(String, String)] = []
    ) throws -> TestHTTPResponse {
        var form = MultipartBody()
        for (name, bytes) in files { form.addFile(bytes, filename: name) }
        return try TestHTTPClient.request(
            "POST", path, port: port, headers: [("Content-Type", form.contentType)] + headers, body: form.body,
            timeout: .seconds(120))
    }

    func count(_ sql: String) throws -> Int {
        try connection.query(PostgresQuery(unsafeSQL: sql)).first?.decode(Int.self, at: 0) ?? -1
    }
}
