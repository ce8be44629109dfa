public import MenuModel

/// Where ``OpenAIBudget`` reads what the whole service (every process) has spent: the metrics events in PostgreSQL
/// (`PostgresOpenAISpendSource` in MenuStorage), or a stand-in in tests.
public protocol OpenAISpendSource: Sendable {
    /// The estimated spend of the UTC day and month so far.
    /// - Note: May block the calling thread (a database query).
    func spend() throws -> OpenAISpend
}
