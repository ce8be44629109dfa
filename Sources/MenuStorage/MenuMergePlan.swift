import Digest
public import Foundation
import JSON
import MenuModel

/// How the readings of finished files merge into the restaurant's current menu, decided before anything is written
/// so that the answer can name every item's `item_id`.
///
/// A reading belongs to the entry its dish key (``MenuItem/dishKey``) leads to: an existing entry when the key is
/// known (the name it was extracted under, or one a person corrected it to), else a new entry whose id is derived from
/// the restaurant and the key (the same for two uploads racing to add the dish, so they meet in one entry). Among the
/// readings of one upload the last one wins, and readings that disagree on a price flag `conflict`; against the
/// stored entry, the statement that writes the plan flags `conflict` the same way and leaves corrected and deleted
/// entries as the person left them.
public struct MenuMergePlan: Sendable {
    /// Per file (by outcome position), the entry id of each of its items.
    public var itemIDs: [[UUID]] = []
    /// Per file, the review reasons of each of its readings.
    var readingReasons: [[[ReviewReason]]] = []
    /// The entry rows to upsert, one per entry the upload touched.
    var entries: [JSONValue] = []
    /// Dish keys not yet known, with the entry they lead to.
    var newKeys: [JSONValue] = []

    /// An empty plan, for outcomes without items.
    public init() {}

    /// Plans the merge of `outcomes`' items.
    /// - Parameters:
    ///   - known: the entry each already-known dish key leads to.
    ///   - minimumConfidence: `REVIEW_MIN_CONFIDENCE`.
    init(outcomes: [FileOutcome], restaurant: UUID, known: [String: UUID], minimumConfidence: Double) {
        var winners: [UUID: (outcome: FileOutcome, item: MenuItem, reasons: [ReviewReason])] = [:]
        var order: [UUID] = []
        var disagreeing: Set<UUID> = []
        var keys: [String: UUID] = [:]
        for outcome in outcomes {
            var ids: [UUID] = []
            var reasons: [[ReviewReason]] = []
            for item in outcome.items {
                let key = item.dishKey
                let id = known[key] ?? Self.entryID(restaurant: restaurant, dishKey: key)
                if known[key] == nil { keys[key] = id }
                let itemReasons = ReviewReason.reasons(
                    for: item, meetsBar: outcome.result?.meetsConfidenceBar ?? true,
                    minimumConfidence: minimumConfidence)
                if let earlier = winners[id] {
                    if earlier.item.prices != item.prices || earlier.item.isMarketPrice != item.isMarketPrice {
                        disagreeing.insert(id)
                    }
                } else {
                    order.append(id)
                }
                winners[id] = (outcome, item, itemReasons)
                ids.append(id)
                reasons.append(itemReasons)
            }
            itemIDs.append(ids)
            readingReasons.append(reasons)
        }
        for id in order {
            guard let winner = winners[id] else { continue }
            var reasons = winner.reasons
            if disagreeing.contains(id) { reasons.append(.conflict) }
            entries.append(Self.entryRow(id: id, winner.item, reasons: reasons, from: winner.outcome))
        }
        newKeys = keys.sorted { $0.key < $1.key }.map {
            .object([("dish_key", .string($0.key)), ("entry_id", .string($0.value.uuidString.lowercased()))])
        }
    }

    /// Gives each outcome its items' ids, for the answer.
    public func apply(to outcomes: inout [FileOutcome]) {
        for index in outcomes.indices where index < itemIDs.count {
            outcomes[index].itemIDs = itemIDs[index]
        }
    }

    /// The id of the entry a dish key makes: SHA-256 of the restaurant and the key, shaped as a version 8 (custom)
    /// UUID (RFC 9562).
    static func entryID(restaurant: UUID, dishKey: String) -> UUID {
        var digest = SHA256.hash(Array("menu-api entry\u{0}\(restaurant.uuidString.lowercased())\u{0}\(dishKey)".utf8))
        digest[6] = (digest[6] & 0x0F) | 0x80
        digest[8] = (digest[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7], digest[8],
                digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]
            ))
    }

    private static func entryRow(
        id: UUID, _ item: MenuItem, reasons: [ReviewReason], from outcome: FileOutcome
    ) -> JSONValue {
        .object([
            ("id", .string(id.uuidString.lowercased())), ("name_ko", .string(item.nameKorean)),
            ("name_en", item.nameEnglish.map(JSONValue.string) ?? .null),
            ("description", item.description.map(JSONValue.string) ?? .null),
            ("category", item.category.map(JSONValue.string) ?? .null), ("prices", .array(item.prices.map(\.json))),
            ("market_price", .bool(item.isMarketPrice)), ("is_set", .bool(item.isSet)),
            // Rounded as the wire and the cache give it, so a cached reading of the same photo says the same.
            ("confidence", .double(JSONValue.roundedConfidence(item.confidence))),
            ("review_reasons", .array(reasons.map { .string($0.rawValue) })),
            ("file_index", .int(outcome.index)), ("file_name", .string(outcome.fileName)),
            ("provider", .string(outcome.result?.provider ?? "unknown")), ("bbox", item.box?.json ?? .null),
        ])
    }
}
