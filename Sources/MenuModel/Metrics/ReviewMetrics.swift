/// What people did to the extracted menus over a window, per provider: the accuracy that matters, measured by
/// the corrections themselves.
public struct ReviewMetrics: Sendable, Equatable {
    /// One provider's figures (`none` for items people added).
    public struct Provider: Sendable, Equatable {
        public var provider: String
        /// New menu items its readings made.
        public var extracted: Int
        /// Its items people corrected (each item once).
        public var corrected: Int
        /// Its items people deleted as no dish.
        public var deleted: Int
        /// Items people added (only under `none`: an added item has no reading).
        public var added: Int
        /// Its items whose name or prices people changed.
        public var nameOrPriceChanged: Int

        public init(provider: String, extracted: Int, corrected: Int, deleted: Int, added: Int, nameOrPriceChanged: Int)
        {
            self.provider = provider
            self.extracted = extracted
            self.corrected = corrected
            self.deleted = deleted
            self.added = added
            self.nameOrPriceChanged = nameOrPriceChanged
        }

        /// 1 − items whose name or prices were changed / items extracted; nil with nothing extracted.
        public var fieldAccuracy: Double? {
            extracted == 0 ? nil : max(0, 1 - Double(nameOrPriceChanged) / Double(extracted))
        }
    }

    public var providers: [Provider]

    public init(providers: [Provider]) {
        self.providers = providers
    }
}
