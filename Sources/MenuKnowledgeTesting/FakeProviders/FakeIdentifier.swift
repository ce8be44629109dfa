import Foundation

/// Random ids and clock values shaped like the vendors' (`req_…`, 32-hex uids and trace ids).
enum FakeIdentifier {
    /// `count` random lower-case hex digits.
    static func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[Int.random(in: 0..<16)] })
    }

    /// Now in milliseconds since 1970, as CLOVA writes timestamps.
    static func nowMilliseconds() -> Int { Int(Date().timeIntervalSince1970 * 1000) }

    /// Now in seconds since 1970, as OpenAI writes `created`.
    static func nowSeconds() -> Int { Int(Date().timeIntervalSince1970) }

    /// True when `bytes` start with the magic number of `format` (a CLOVA `images[].format` value).
    static func hasMagic(_ bytes: [UInt8], of format: String) -> Bool {
        switch format {
        case "jpg", "jpeg": bytes.starts(with: [0xFF, 0xD8, 0xFF])
        case "png": bytes.starts(with: [0x89, 0x50, 0x4E, 0x47])
        case "pdf": bytes.starts(with: Array("%PDF".utf8))
        case "tiff": bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A])
        default: false
        }
    }
}
