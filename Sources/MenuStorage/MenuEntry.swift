public import Foundation
public import MenuModel

/// One dish of the restaurant's current menu, as stored: the newest reading, or what a person made of it.
public struct MenuEntry: Sendable {
    public var id: UUID
    public var restaurant: UUID
    /// The dish: names, category, prices, 시가, set, confidence (1 for an item a person added).
    public var item: MenuItem
    public var reviewReasons: [ReviewReason]
    /// A person changed or added it: later uploads leave it as it is.
    public var corrected: Bool
    public var deleted: Bool
    public var source: Source?
    /// Bumped by every change: the ETag.
    public var revision: Int
    public var updatedAt: Date

    /// Where the newest reading came from.
    public struct Source: Sendable {
        public var task: UUID
        public var fileIndex: Int
        public var fileName: String
        public var provider: String
        /// Where the reading was on its photo; nil for engines without word boxes (GPT vision).
        public var box: MenuBox?
    }

    public init(
        id: UUID, restaurant: UUID, item: MenuItem, reviewReasons: [ReviewReason], corrected: Bool, deleted: Bool,
        source: Source?, revision: Int, updatedAt: Date
    ) {
        self.id = id
        self.restaurant = restaurant
        self.item = item
        self.reviewReasons = reviewReasons
        self.corrected = corrected
        self.deleted = deleted
        self.source = source
        self.revision = revision
        self.updatedAt = updatedAt
    }

    /// True when a person should look at it: some reason holds and nobody has corrected it since.
    public var needsReview: Bool { !corrected && !reviewReasons.isEmpty }

    /// `"<revision>"`, the strong validator of `GET`, `PATCH` and `DELETE` on the item.
    public var etag: String { "\"\(revision)\"" }
}
