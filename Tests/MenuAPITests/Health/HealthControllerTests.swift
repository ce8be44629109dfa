import Logging
import MenuAPI
import MenuStorage
import Testing

struct HealthControllerTests {
    /// A probe with a fixed answer: this suite checks the HTTP mapping; the real PostgreSQL probe is exercised
    /// end to end (EndToEndTests) against a server that is stopped and started.
    struct FixedProbe: DatabaseProbe {
        let reachable: Bool
        func isReachable(logger: Logger) -> Bool { reachable }
    }

    func respond(_ path: String, reachable: Bool, environment: String = "development") -> APIResponse {
        var router = APIRouter(logger: Logger(label: "test"))
        HealthController(environment: environment, database: FixedProbe(reachable: reachable)).addRoutes(to: &router)
        return router.respond(to: APIRequest(method: "GET", path: path), requestID: "r")
    }

    @Test func healthBodyIsExact() {
        let response = respond("/api/v1/health", reachable: false)
        #expect(response.status == 200)
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"status":"ok","service":"Menu Knowledge Engine","version":"0.1.0","environment":"development"}"#)
    }

    @Test func healthEchoesEnvironment() {
        let text = String(
            decoding: respond("/api/v1/health", reachable: true, environment: "staging").body, as: UTF8.self)
        #expect(text.hasSuffix(#""environment":"staging"}"#))
    }

    @Test func readyIsOKWhenDatabaseAnswers() {
        let response = respond("/api/v1/health/ready", reachable: true)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"status":"ok","checks":{"database":"ok"}}"#)
    }

    /// A probe whose database has a job queue.
    struct QueueProbe: DatabaseProbe {
        func isReachable(logger: Logger) -> Bool { true }
        func queueStatus(logger: Logger) -> (queued: Int, oldestAge: Duration)? { (7, .milliseconds(2500)) }
    }

    @Test func readyReportsTheQueueItCanRead() {
        var router = APIRouter(logger: Logger(label: "test"))
        HealthController(environment: "test", database: QueueProbe()).addRoutes(to: &router)
        let response = router.respond(to: APIRequest(method: "GET", path: "/api/v1/health/ready"), requestID: "r")
        #expect(response.status == 200)
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"status":"ok","checks":{"database":"ok"},"queue":{"queued":7,"oldest_queued_age_seconds":2.5}}"#)
    }

    @Test func readyIsUnavailableWhenDatabaseDoesNot() {
        let response = respond("/api/v1/health/ready", reachable: false)
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "5")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"status":"unavailable","checks":{"database":"unavailable"}}"#)
    }
}
