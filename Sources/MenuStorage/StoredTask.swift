public import Foundation
public import JSON

/// An upload task as stored: its counts and each finished file's result, in upload order, as the response showed it.
public struct StoredTask: Sendable {
    public var id: UUID
    public var restaurant: UUID
    public var status: TaskStatus
    /// True for an upload answered 202 and run by the job workers.
    public var isAsync: Bool
    public var total: Int
    public var successful: Int
    public var failed: Int
    public var createdAt: Date
    /// When the task reached its end; nil while it runs.
    public var finishedAt: Date?
    /// Each finished file's result body, stored as the upload answered it, in upload order.
    public var results: [JSONValue]

    public init(
        id: UUID, restaurant: UUID, status: TaskStatus, isAsync: Bool = false, total: Int, successful: Int,
        failed: Int, createdAt: Date, finishedAt: Date? = nil, results: [JSONValue]
    ) {
        self.id = id
        self.restaurant = restaurant
        self.status = status
        self.isAsync = isAsync
        self.total = total
        self.successful = successful
        self.failed = failed
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.results = results
    }

    /// Files finished, successfully or not.
    public var done: Int { successful + failed }
}
