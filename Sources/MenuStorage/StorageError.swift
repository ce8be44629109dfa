/// The database answered, but not what the schema promises (a missing row a statement must return).
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "storage: \(message)" }
}
