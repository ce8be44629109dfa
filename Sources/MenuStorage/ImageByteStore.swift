public import Foundation

/// Where the bytes of a queued file wait until a worker has read it.
///
/// PostgreSQL holds them today (``PostgresImageByteStore``), in the same transaction as the task. Past one
/// database, an object store (S3-compatible) is a new implementation of this protocol: the queue rows stay in
/// PostgreSQL and only name the file.
public protocol ImageByteStore {
    /// Stores a file's bytes.
    func store(_ bytes: [UInt8], task: UUID, file: Int) throws
    /// A file's bytes, or nil when they are gone (the file is done, or its task was deleted).
    func bytes(task: UUID, file: Int) throws -> [UInt8]?
    /// Deletes a file's bytes; deleting bytes that are gone is not an error.
    func delete(task: UUID, file: Int) throws
}
