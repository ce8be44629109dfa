/// A SQL statement with its parameters bound separately, never spliced into the text.
///
/// String interpolation produces `$1`, `$2`, ... placeholders and records the values as binds:
/// ```
/// let query: PostgresQuery = "SELECT name FROM restaurants WHERE id = \(restaurantID) AND active = \(true)"
/// // text: "SELECT name FROM restaurants WHERE id = $1 AND active = $2", two binds
/// ```
/// SQL that must be assembled from trusted fragments says so: `PostgresQuery(unsafeSQL:binds:)`.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    /// The statement text with `$n` placeholders.
    public private(set) var sql: String
    /// The bound values, in placeholder order.
    public private(set) var binds: [PostgresData]

    /// A statement from trusted text, with explicit binds for its `$n` placeholders.
    public init(unsafeSQL sql: String, binds: [PostgresData] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Builds the text and the binds of an interpolated query.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PostgresData] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// Binds `value` as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresData)
            sql += "$\(binds.count)"
        }

        /// Binds `value`, or SQL NULL for nil. (Spelled out so an optional reads as a bind, not as a debug string.)
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value.map(\.postgresData) ?? .null)
            sql += "$\(binds.count)"
        }
    }
}
