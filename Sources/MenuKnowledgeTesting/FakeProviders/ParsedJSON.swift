import Foundation

/// A JSON value read from a request body, typed closely enough for the fakes' checks: `true` is not `1`, a string is
/// not a number. (`JSONValue` only writes; `JSONSerialization` blurs booleans and numbers on Linux.)
indirect enum ParsedJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([ParsedJSON])
    case object([String: ParsedJSON])

    /// The value in `bytes`, or nil when they are not JSON.
    static func parse(_ bytes: [UInt8]) -> ParsedJSON? {
        try? JSONDecoder().decode(Decoded.self, from: Data(bytes)).value
    }

    /// The member `key` of an object, nil for a missing key or a non-object.
    subscript(key: String) -> ParsedJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    var string: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    var bool: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    var int: Int? {
        guard case .int(let value) = self else { return nil }
        return value
    }

    /// An integer or a fraction as a `Double`.
    var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    var array: [ParsedJSON]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    var object: [String: ParsedJSON]? {
        guard case .object(let value) = self else { return nil }
        return value
    }

    /// The value as a short text for problem messages.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value.count > 60 ? "\"\(value.prefix(60))…\"" : "\"\(value)\""
        case .array(let values): "an array of \(values.count)"
        case .object: "an object"
        }
    }

    private struct Decoded: Decodable {
        let value: ParsedJSON

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            // Order matters: JSONDecoder refuses Bool for numbers and Int for fractions, so each value lands once.
            if container.decodeNil() {
                value = .null
            } else if let flag = try? container.decode(Bool.self) {
                value = .bool(flag)
            } else if let integer = try? container.decode(Int.self) {
                value = .int(integer)
            } else if let fraction = try? container.decode(Double.self) {
                value = .double(fraction)
            } else if let text = try? container.decode(String.self) {
                value = .string(text)
            } else if let elements = try? container.decode([Decoded].self) {
                value = .array(elements.map(\.value))
            } else {
                value = .object(try container.decode([String: Decoded].self).mapValues(\.value))
            }
        }
    }
}
