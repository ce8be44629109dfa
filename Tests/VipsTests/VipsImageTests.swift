import Foundation
import MenuKnowledgeTesting
import Testing
import Vips

/// The libvips wrapper on small committed images: the same 300x200 menu line as PNG, WebP, HEIC, and a JPEG whose
/// EXIF orientation says "rotate 90°".
struct VipsImageTests {
    static let fixtures = TestEnvironment.repositoryRoot + "/Tests/OCRTests/Fixtures"

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(name)")))
    }

    @Test(arguments: [
        ("small-menu.png", "pngload_buffer"), ("small-menu.webp", "webpload_buffer"),
        ("small-menu.heic", "heifload_buffer"),
    ])
    func decodesEachUploadFormatFromMemory(file: String, loader: String) throws {
        try Vips.initialize()
        let image = try VipsImage.header(of: Self.bytes(file))
        #expect(image.loader == loader)
        #expect(image.width == 300 && image.height == 200)
        let gray = try image.grayscale().materialized()
        let pixels = try gray.pixelBytes()
        #expect(pixels.count == 300 * 200)
        // White paper with dark text: mostly light, some dark.
        #expect(pixels.filter { $0 > 200 }.count > pixels.count / 2)
        #expect(pixels.contains { $0 < 100 })
    }

    @Test func exifOrientationIsApplied() throws {
        try Vips.initialize()
        let header = try VipsImage.header(of: Self.bytes("small-menu-exif-rotated.jpg"))
        #expect(header.width == 300 && header.height == 200)
        #expect(header.orientation == 6)
        let upright = try header.autorotated()
        #expect(upright.width == 200 && upright.height == 300)
        let thumbnail = try VipsImage.thumbnail(
            of: Self.bytes("small-menu-exif-rotated.jpg"), fittingWidth: 150, height: 150)
        #expect(thumbnail.width == 100 && thumbnail.height == 150)
    }

    @Test func thumbnailShrinksButNeverEnlarges() throws {
        try Vips.initialize()
        let small = try VipsImage.thumbnail(of: Self.bytes("small-menu.png"), fittingWidth: 1000, height: 1000)
        #expect(small.width == 300 && small.height == 200)
        let shrunk = try VipsImage.thumbnail(of: Self.bytes("small-menu.heic"), fittingWidth: 150, height: 150)
        #expect(shrunk.width == 150 && shrunk.height == 100)
    }

    @Test(arguments: [[UInt8](), Array("GIF89a but not really".utf8), [0xFF, 0xD8, 0xFF, 0xE0, 0x00]])
    func unreadableBytesAreTypedErrors(bytes: [UInt8]) {
        #expect(throws: VipsError.self) {
            try Vips.initialize()
            _ = try VipsImage.header(of: bytes).grayscale().materialized()
        }
    }

    @Test func jpegEncodingRoundTrips() throws {
        try Vips.initialize()
        let jpeg = try VipsImage.header(of: Self.bytes("small-menu.png")).jpegBytes(quality: 80)
        #expect(jpeg.starts(with: [0xFF, 0xD8]))
        let decoded = try VipsImage.header(of: jpeg)
        #expect(decoded.loader == "jpegload_buffer" && decoded.width == 300)
    }
}
