import ArgumentParser
import Foundation
import JSON
import Logging
import MenuConfiguration
import MenuModel
import MenuStorage
import Postgres

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the OCR KPIs and alerts of a window, from the database (for cron).",
        discussion: "Exit code: 0 all is well, 1 a warning, 2 a critical alert, 3 the database could not be read.")

    @Option(help: "1h, 24h, 7d, 30d or all.")
    var window: String = "24h"

    @Flag(help: "Print the metrics route's JSON body instead of the table.")
    var json = false

    func run() throws {
        let (configuration, logger) = try Application.loadConfiguration()
        guard let window = PostgresMetricsStore.Window.named(window) else {
            FileHandle.standardError.write(Data("menu-api: --window must be 1h, 24h, 7d, 30d or all\n".utf8))
            throw ExitCode(64)
        }
        let connection = Application.makeDatabaseConnection(configuration, logger: logger)
        let metrics: OCRMetrics
        let review: ReviewMetrics
        var budget: OpenAIBudgetStatus?
        let openAI = configuration.ocr.openAI
        do {
            metrics = try PostgresMetricsStore(connection: connection).metrics(for: window)
            review = try PostgresMenuStore(connection: connection).reviewMetrics(over: window.length)
            if openAI.hasBudget {
                budget = OpenAIBudgetStatus(
                    dailyLimitUSD: openAI.dailyBudgetUSD, monthlyLimitUSD: openAI.monthlyBudgetUSD,
                    spend: try PostgresMetricsStore(connection: connection).openAISpend())
            }
        } catch {
            logger.critical("Cannot read the metrics: \(String(reflecting: error))")
            throw ExitCode(3)
        }
        let report = KPIReport(metrics: metrics, budget: budget)
        if json {
            print(MetricsFormat.json(metrics, window: window.name, budget: budget).encodedString)
        } else {
            print("menu-api OCR report, window \(window.name): \(metrics.files) files, \(metrics.runs) OCR runs")
            func row(_ columns: [String]) -> String {
                zip(columns, [26, 12, 20]).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
                    + (columns.count > 3 ? columns[3] : "")
            }
            print(row(["KPI", "value", "target", "status"]))
            for kpi in report.kpis { print(row([kpi.name, kpi.value, kpi.target, kpi.status.rawValue])) }
            print("review (what people did to the menus):")
            print(row(["provider", "extracted", "corrected", "deleted, added, field accuracy"]))
            for provider in review.providers {
                print(
                    row([
                        provider.provider, "\(provider.extracted)", "\(provider.corrected)",
                        "\(provider.deleted), \(provider.added), "
                            + (provider.fieldAccuracy.map(OCRMetrics.percent) ?? "-"),
                    ]))
            }
            if report.alerts.isEmpty {
                print("alerts: none")
            } else {
                print("alerts:")
                for alert in report.alerts {
                    print(
                        "  [\(alert.level.rawValue.uppercased())] \(alert.rule) (now \(alert.value)): \(alert.action)")
                }
            }
        }
        if report.severity > 0 { throw ExitCode(Int32(report.severity)) }
    }
}
