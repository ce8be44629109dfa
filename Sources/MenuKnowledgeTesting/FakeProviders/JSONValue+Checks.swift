import JSON

/// Strict accessors for the fakes' request checks: `true` is not `1`, a string is not a number, `1.0` is not an
/// integer. (The service's own accessors, `intValue` and friends, are lenient on purpose.)
extension JSONValue {
    /// The value in `bytes`, or nil when they are not JSON.
    static func parsed(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes)
    }

    var string: String? { stringValue }
    var bool: Bool? { boolValue }
    var array: [JSONValue]? { arrayValue }

    var int: Int? {
        guard case .int(let value) = self else { return nil }
        return value
    }

    /// An integer or a fraction as a `Double`.
    var number: Double? { doubleValue }

    /// The members of an object by name (the last of repeated keys), nil for a non-object.
    var object: [String: JSONValue]? {
        guard case .object(let members) = self else { return nil }
        return Dictionary(members, uniquingKeysWith: { _, last in last })
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
}
