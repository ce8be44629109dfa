public import Foundation
public import MenuModel

/// A menu item as stored for its restaurant: what was read, and which task, file and provider read it.
public struct StoredMenuItem: Sendable, Equatable {
    public var id: Int
    public var taskID: UUID
    public var fileIndex: Int
    public var nameKorean: String
    public var nameEnglish: String?
    public var description: String?
    public var category: String?
    public var prices: [MenuPrice]
    public var isMarketPrice: Bool
    public var isSet: Bool
    public var confidence: Double
    public var provider: String
    public var createdAt: Date

    public init(
        id: Int, taskID: UUID, fileIndex: Int, nameKorean: String, nameEnglish: String?, description: String?,
        category: String?, prices: [MenuPrice], isMarketPrice: Bool, isSet: Bool, confidence: Double,
        provider: String, createdAt: Date
    ) {
        self.id = id
        self.taskID = taskID
        self.fileIndex = fileIndex
        self.nameKorean = nameKorean
        self.nameEnglish = nameEnglish
        self.description = description
        self.category = category
        self.prices = prices
        self.isMarketPrice = isMarketPrice
        self.isSet = isSet
        self.confidence = confidence
        self.provider = provider
        self.createdAt = createdAt
    }
}
