public import Foundation

/// A value as it travels to or from the server: text format, binary (bytea only), or NULL.
public enum PostgresData: Sendable, Hashable {
    case text(String)
    case binary([UInt8])
    case null
}

/// A Swift value that can be bound as a query parameter.
public protocol PostgresEncodable {
    /// The value in the form sent to the server.
    var postgresData: PostgresData { get }
}

/// A Swift value that a result column can be decoded into.
public protocol PostgresDecodable {
    /// Decodes the text-format value of a non-NULL column.
    /// - Throws: any error; the row wraps it in a `PostgresDecodingError` naming the column.
    init(postgresText: String) throws
}

struct PostgresTextError: Error, CustomStringConvertible {
    var description: String
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(self) }
    public init(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(String(self)) }
    public init(postgresText: String) throws {
        guard let value = Int(postgresText) else {
            throw PostgresTextError(description: "'\(postgresText)' is not an integer")
        }
        self = value
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(String(self)) }
    public init(postgresText: String) throws {
        guard let value = Int64(postgresText) else {
            throw PostgresTextError(description: "'\(postgresText)' is not an integer")
        }
        self = value
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(String(self)) }
    public init(postgresText: String) throws {
        guard let value = Double(postgresText) else {
            throw PostgresTextError(description: "'\(postgresText)' is not a number")
        }
        self = value
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(self ? "t" : "f") }
    public init(postgresText: String) throws {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: throw PostgresTextError(description: "'\(postgresText)' is not a boolean")
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(uuidString.lowercased()) }
    public init(postgresText: String) throws {
        guard let value = UUID(uuidString: postgresText) else {
            throw PostgresTextError(description: "'\(postgresText)' is not a UUID")
        }
        self = value
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    /// Sent as seconds since the epoch through `to_timestamp`-compatible text; compare against `timestamptz` columns.
    public var postgresData: PostgresData { .text(Date.postgresFormat(self)) }

    /// Decodes seconds since the epoch (`extract(epoch FROM column)`, the exact way) or a `timestamptz` printed
    /// by the server in ISO style (`2026-02-19 10:12:03.123+00`).
    public init(postgresText: String) throws {
        if let seconds = Double(postgresText) {
            self = Date(timeIntervalSince1970: seconds)
            return
        }
        guard let value = Date.parsePostgresTimestamp(postgresText) else {
            throw PostgresTextError(description: "'\(postgresText)' is not a timestamp with time zone")
        }
        self = value
    }

    private static func postgresFormat(_ date: Date) -> String {
        // ISO 8601 with microseconds and an explicit UTC offset: unambiguous whatever the session's TimeZone.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        return date.formatted(style)
    }

    private static func parsePostgresTimestamp(_ text: String) -> Date? {
        // The server prints "YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM]"; make it ISO 8601 and parse.
        var iso = text.replacingOccurrences(of: " ", with: "T")
        if let sign = iso.lastIndex(where: { $0 == "+" || $0 == "-" }), sign > iso.index(iso.startIndex, offsetBy: 10) {
            let offset = iso[iso.index(after: sign)...]
            if offset.count == 2 { iso += ":00" }
        }
        if let date = try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(iso, strategy: Date.ISO8601FormatStyle())
    }
}

extension Array: PostgresEncodable where Element == UInt8 {
    /// Sent in binary format, for `bytea` parameters.
    public var postgresData: PostgresData { .binary(self) }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// Decodes `bytea` in the server's hex output format (`\x0a1b...`).
    public init(postgresText: String) throws {
        let digits = Array(postgresText.utf8)
        guard digits.count >= 2, digits[0] == UInt8(ascii: "\\"), digits[1] == UInt8(ascii: "x"), digits.count % 2 == 0
        else {
            throw PostgresTextError(description: "not a bytea in hex format")
        }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: throw PostgresTextError(description: "not a hex digit in bytea")
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((digits.count - 2) / 2)
        var index = 2
        while index < digits.count {
            bytes.append(try nibble(digits[index]) << 4 | nibble(digits[index + 1]))
            index += 2
        }
        self = bytes
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresData: PostgresData {
        switch self {
        case .some(let value): value.postgresData
        case .none: .null
        }
    }
}
