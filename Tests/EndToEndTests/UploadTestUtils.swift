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

/// Grey PNGs of any size, built byte by byte (zlib stored blocks, CRC-32 per chunk), so a test can send images
/// whose exact dimensions matter without committing a fixture per size.
enum TinyPNG {
    /// A `width` x `height` 8-bit grey PNG whose every pixel is `grey`: distinct greys give distinct bytes, so
    /// distinct cache keys.
    static func make(width: Int, height: Int, grey: UInt8 = 255) -> [UInt8] {
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]  // depth 8, colour type 0 (grey), deflate, filter 0, no interlace
        var scanlines: [UInt8] = []
        for _ in 0..<height { scanlines += [0] + Array(repeating: grey, count: width) }  // filter byte 0 per row
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
            + chunk("IDAT", zlibStored(scanlines)) + chunk("IEND", [])
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let isLast: UInt8 = offset + length == data.count ? 1 : 0
            out += [
                isLast, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF),
            ]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in typed {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return bigEndian(UInt32(data.count)) + typed + bigEndian(~crc)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
