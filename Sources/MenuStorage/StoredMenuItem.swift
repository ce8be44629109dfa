public import Foundation
public import MenuModel

/// A menu item as stored for its restaurant: what was read (price errors are not stored), and which task, file and
/// provider read it.
public struct StoredMenuItem: Sendable, Equatable {
    public var id: Int
    public var taskID: UUID
    public var fileIndex: Int
    public var item: MenuItem
    public var provider: String
    public var createdAt: Date

    public init(id: Int, taskID: UUID, fileIndex: Int, item: MenuItem, provider: String, createdAt: Date) {
        self.id = id
        self.taskID = taskID
        self.fileIndex = fileIndex
        self.item = item
        self.provider = provider
        self.createdAt = createdAt
    }
}
