import JSON
public import MenuConfiguration
import MenuModel
import MenuStorage
public import OCR
public import Postgres

/// `GET /api/v1/admin/ocr/metrics`: the KPIs operators watch, as JSON (default) or Prometheus text.
///
/// The JSON body is the window's figures. The Prometheus text has counters over all time (so `rate()` works) and
/// the window's figures as gauges labelled `window`.
///
/// Admin only: ``AdminTokenMiddleware`` checks the token before ``metrics(_:context:)`` runs. A database failure is
/// answered by ``APIErrorMapper`` (503 when it is unavailable).
///
/// The OpenAI budgets are the whole service's (the spend is read from the events); the circuit breakers are those
/// of the process that answered (each process keeps its own).
public struct MetricsController {
    private let database: PostgresConnection
    private let adminToken: Secret?
    private let openAI: Configuration.OpenAI?
    private let breakers: ProviderBreakers?

    /// - Parameters:
    ///   - openAI: the OpenAI settings, for the budgets. Defaults to nil: no budget.
    ///   - breakers: the process's circuit breakers. Defaults to nil: none shown.
    public init(
        database: PostgresConnection, adminToken: Secret?, openAI: Configuration.OpenAI? = nil,
        breakers: ProviderBreakers? = nil
    ) {
        self.database = database
        self.adminToken = adminToken
        self.openAI = openAI
        self.breakers = breakers
    }

    public func addRoutes(to router: inout APIRouter) {
        router.add("GET", "/api/v1/admin/ocr/metrics", middleware: [AdminTokenMiddleware(token: adminToken)], metrics)
    }

    /// The queue and the deliveries now (not windowed: they are states, and counts over the kept tasks).
    private func queueMetrics() throws -> QueueMetrics {
        let depth = try PostgresJobQueue(connection: database).depth()
        let deliveries = try PostgresWebhookStore(connection: database).counts()
        return QueueMetrics(
            queued: depth.queued, claimed: depth.claimed,
            oldestQueuedSeconds: Double(depth.oldestQueuedAge.milliseconds) / 1000, claims: depth.claims,
            reclaims: depth.reclaims, webhooksSent: deliveries.sent, webhooksFailed: deliveries.failed,
            webhooksPending: deliveries.pending, webhookFailedAttempts: deliveries.failedAttempts)
    }

    public func metrics(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let windowName = request.query["window"] ?? "all"
        guard let window = PostgresMetricsStore.Window.named(windowName) else {
            throw APIError.badRequest(code: "invalid_window", "window must be one of 1h, 24h, 7d, 30d, all")
        }
        let format = request.query["format"] ?? "json"
        guard format == "json" || format == "prometheus" else {
            throw APIError.badRequest(code: "invalid_format", "format must be json or prometheus")
        }
        let series = request.query["series"]
        guard series == nil || series == "hourly" else {
            throw APIError.badRequest(code: "invalid_series", "series must be hourly")
        }
        let store = PostgresMetricsStore(connection: database)
        let metrics = try store.metrics(for: window)
        // Read from the events at every request (not the uploads' cached figure): the route says what was spent.
        var budget: OpenAIBudgetStatus?
        if let openAI, openAI.hasBudget {
            budget = OpenAIBudgetStatus(
                dailyLimitUSD: openAI.dailyBudgetUSD, monthlyLimitUSD: openAI.monthlyBudgetUSD,
                spend: try store.openAISpend())
        }
        let breakerStates = breakers?.openStates ?? []
        let queue = try queueMetrics()
        let review = try PostgresMenuStore(connection: database).reviewMetrics(over: window.length)
        if format == "prometheus" {
            // Counters and the histogram are over all time, whatever the window (see MetricsFormat).
            let total = window == .all ? metrics : try store.metrics(for: .all)
            var text =
                MetricsFormat.prometheus(total: total, window: metrics, windowName: window.name, budget: budget)
                + MetricsFormat.prometheus(queue) + MetricsFormat.prometheus(review, window: window.name)
                + MetricsFormat.prometheus(breakers: breakerStates)
            if let budget { text += MetricsFormat.prometheus(budget) }
            return APIResponse(
                status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                body: Array(text.utf8))
        }
        var body = MetricsFormat.json(metrics, window: window.name, budget: budget)
        if case .object(var members) = body {
            members.append(("queue", MetricsFormat.json(queue)))
            members.append(("review", MetricsFormat.json(review)))
            members.append(("circuit_breakers", MetricsFormat.json(breakers: breakerStates)))
            if let budget { members.append(("openai_budget", MetricsFormat.json(budget))) }
            if series != nil {
                let hours = try store.hourlySeries(for: window)
                members.append(("series", .array(hours.map(MetricsFormat.seriesEntry))))
            }
            body = .object(members)
        }
        return .json(body)
    }
}
