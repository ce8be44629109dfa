public import Foundation
public import Postgres

/// Queued files' bytes in the `upload_file_bytes` table, beside their queue rows.
public struct PostgresImageByteStore: ImageByteStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    public func store(_ bytes: [UInt8], task: UUID, file: Int) throws {
        try connection.query(
            "INSERT INTO upload_file_bytes (task_id, file_index, bytes) VALUES (\(task), \(file), \(bytes))")
    }

    public func bytes(task: UUID, file: Int) throws -> [UInt8]? {
        try connection.query(
            "SELECT bytes FROM upload_file_bytes WHERE task_id = \(task) AND file_index = \(file)"
        ).first?.decode([UInt8].self, column: "bytes")
    }

    public func delete(task: UUID, file: Int) throws {
        try connection.query("DELETE FROM upload_file_bytes WHERE task_id = \(task) AND file_index = \(file)")
    }
}
