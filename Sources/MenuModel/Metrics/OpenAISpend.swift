/// What GPT vision's calls cost, by their estimate, since the start of the UTC day and of the UTC month (OpenAI's
/// usage pages count days in UTC too).
public struct OpenAISpend: Sendable, Equatable {
    /// US dollars since 00:00 UTC today.
    public var dayUSD: Double
    /// US dollars since 00:00 UTC on the first of this month.
    public var monthUSD: Double

    public init(dayUSD: Double, monthUSD: Double) {
        self.dayUSD = dayUSD
        self.monthUSD = monthUSD
    }
}
