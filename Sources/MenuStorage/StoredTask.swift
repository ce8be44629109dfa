public import Foundation
public import JSON

/// An upload task as stored: its counts and each file's result, in upload order, as the response showed it.
public struct StoredTask: Sendable {
    public var id: UUID
    public var restaurant: UUID
    /// `processing`, `completed`, `failed` or `interrupted`.
    public var status: String
    public var total: Int
    public var successful: Int
    public var failed: Int
    /// Each file's result body, stored as the upload answered it.
    public var results: [JSONValue]

    public init(
        id: UUID, restaurant: UUID, status: String, total: Int, successful: Int, failed: Int, results: [JSONValue]
    ) {
        self.id = id
        self.restaurant = restaurant
        self.status = status
        self.total = total
        self.successful = successful
        self.failed = failed
        self.results = results
    }
}
