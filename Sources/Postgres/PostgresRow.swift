/// One row of a result, copied out of libpq: no pointer into a `PGresult` survives the call that produced it.
public struct PostgresRow: Sendable {
    /// Column names, shared by all rows of a result.
    let columns: [String]
    /// The values in text format; nil is SQL NULL.
    let values: [String?]

    /// Decodes the column named `column` into `type`.
    ///
    /// NULL decodes only into an Optional: ask for `String?.self` when the column may be NULL.
    /// - Throws: `PostgresDecodingError` naming the column, its index, the type and the caller's line.
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type, column: String, file: String = #fileID, line: Int = #line
    ) throws(PostgresDecodingError) -> Value {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresDecodingError(
                column: column, columnIndex: -1, targetType: "\(Value.self)", reason: "no such column", file: file,
                line: line)
        }
        return try decode(type, at: index, file: file, line: line)
    }

    /// Decodes the column at `index` into `type`.
    /// - Throws: `PostgresDecodingError` naming the column, its index, the type and the caller's line.
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type, at index: Int, file: String = #fileID, line: Int = #line
    ) throws(PostgresDecodingError) -> Value {
        guard values.indices.contains(index) else {
            throw PostgresDecodingError(
                column: "#\(index)", columnIndex: index, targetType: "\(Value.self)", reason: "no such column",
                file: file,
                line: line)
        }
        let name = columns[index]
        if let optional = Value.self as? any PostgresOptionalDecodable.Type {
            // Optional<Wrapped>: NULL is nil, anything else decodes as Wrapped.
            do {
                guard let value = try optional.decodeOptional(values[index]) as? Value else {
                    throw PostgresTextError(description: "type mismatch")
                }
                return value
            } catch {
                throw PostgresDecodingError(
                    column: name, columnIndex: index, targetType: "\(Value.self)", reason: "\(error)", file: file,
                    line: line)
            }
        }
        guard let text = values[index] else {
            throw PostgresDecodingError(
                column: name, columnIndex: index, targetType: "\(Value.self)",
                reason: "NULL decodes only into an Optional", file: file, line: line)
        }
        do {
            return try Value(postgresText: text)
        } catch {
            throw PostgresDecodingError(
                column: name, columnIndex: index, targetType: "\(Value.self)", reason: "\(error)", file: file,
                line: line)
        }
    }
}

/// Lets `decode` tell Optional apart and map NULL to nil.
protocol PostgresOptionalDecodable {
    static func decodeOptional(_ text: String?) throws -> Any
}

extension Optional: PostgresDecodable, PostgresOptionalDecodable where Wrapped: PostgresDecodable {
    public init(postgresText: String) throws { self = .some(try Wrapped(postgresText: postgresText)) }

    static func decodeOptional(_ text: String?) throws -> Any {
        guard let text else { return Wrapped?.none as Any }
        return Wrapped?.some(try Wrapped(postgresText: text)) as Any
    }
}

/// The rows of a result and how many rows a command touched.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// The rows, in server order.
    public let rows: [PostgresRow]
    /// Rows inserted, updated or deleted (`PQcmdTuples`), or 0.
    public let affectedRowCount: Int

    public var startIndex: Int { rows.startIndex }
    public var endIndex: Int { rows.endIndex }
    public subscript(position: Int) -> PostgresRow { rows[position] }
}
