import MenuKnowledgeTesting
import Testing

/// `conf/prometheus/menu-api-rules.yml`, the KPI alerts as Prometheus rules, through `promtool`: the rules are valid,
/// and its unit tests (`menu-api-rules.test.yml`) fire each alert where they must and nothing where they must not.
struct PrometheusRulesTests {
    static let directory = TestEnvironment.repositoryRoot + "/conf/prometheus"

    @Test func rulesFileIsValid() throws {
        let result = try Promtool.run(["check", "rules", Self.directory + "/menu-api-rules.yml"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS: 7 rules found"), "\(result.output)")
    }

    @Test func rulesUnitTestsPass() throws {
        let result = try Promtool.run(["test", "rules", Self.directory + "/menu-api-rules.test.yml"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
        #expect(!result.output.contains("FAILED"), "\(result.output)")
    }
}
