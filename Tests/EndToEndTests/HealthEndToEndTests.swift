import Foundation
import Glibc
import MenuKnowledgeTesting
import Testing

/// nginx → FastCGI → responder → PostgreSQL, with the real processes.
@Suite(.serialized) struct HealthEndToEndTests {
    @Test func healthThroughNginxFieldByField() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url)
        defer { service.stop() }
        let response = try service.request("GET", "/api/v1/health")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        #expect(Check.isNginxRequestID(response.headers["x-request-id"]))
        let body = try response.jsonObject()
        #expect(body["status"] as? String == "ok")
        #expect(body["service"] as? String == "Menu Knowledge Engine")
        #expect(body["version"] as? String == "0.1.0")
        #expect(body["environment"] as? String == "development")
        #expect(body.count == 4)
        #expect(
            response.text
                == #"{"status":"ok","service":"Menu Knowledge Engine","version":"0.1.0","environment":"development"}"#)
    }

    @Test func notFoundAndMethodNotAllowedAreJSON() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url)
        defer { service.stop() }

        let unknown = try service.request("GET", "/api/v1/unknown/route")
        #expect(unknown.status == 404)
        #expect(Check.errorCode(unknown) == "not_found")

        let outsideAPI = try service.request("GET", "/index.html")
        #expect(outsideAPI.status == 404)
        #expect(Check.errorCode(outsideAPI) == "not_found")

        let wrongMethod = try service.request("DELETE", "/api/v1/health")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "GET, HEAD")
        #expect(Check.errorCode(wrongMethod) == "method_not_allowed")
        #expect(Check.isNginxRequestID(wrongMethod.headers["x-request-id"]))
    }

    @Test func bodyOverResponderLimitIs413AndTheWorkerGoesOn() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        // One worker and one kept connection: the next request must reuse the connection the 413 went over.
        let service = try LiveService(
            databaseURL: schema.url, workers: 1, keepalive: 1, environment: ["MENU_API_MAX_BODY_BYTES": "1024"])
        defer { service.stop() }
        let tooLarge = try service.request("POST", "/api/v1/health", body: Array(repeating: 0x41, count: 200_000))
        #expect(tooLarge.status == 413)
        #expect(Check.errorCode(tooLarge) == "payload_too_large")
        let small = try service.request("POST", "/api/v1/health", body: Array(repeating: 0x41, count: 1024))
        #expect(small.status == 405)
        let after = try service.request("GET", "/api/v1/health")
        #expect(after.status == 200)
    }

    @Test func bodyOverNginxLimitIs413JSONFromNginx() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url)
        defer { service.stop() }
        // nginx refuses on the declared length alone (client_max_body_size 50m), before any body byte is read.
        let response = try service.request("POST", "/api/v1/health", headers: [("Content-Length", "60000000")])
        #expect(response.status == 413)
        #expect(Check.errorCode(response) == "payload_too_large")
        #expect(Check.isNginxRequestID(response.headers["x-request-id"]))
    }

    @Test func readinessFollowsPostgresWithoutRestartingTheResponder() throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let service = try LiveService(databaseURL: cluster.url, workers: 2, keepalive: 2)
        defer { service.stop() }
        let responderPID = service.responder.pid

        let ready = try service.request("GET", "/api/v1/health/ready")
        #expect(ready.status == 200)
        #expect(ready.text == #"{"status":"ok","checks":{"database":"ok"}}"#)

        try cluster.stop()
        for _ in 0..<4 {  // whichever worker answers
            let down = try service.request("GET", "/api/v1/health/ready")
            #expect(down.status == 503)
            #expect(try down.jsonObject()["checks"] as? [String: String] == ["database": "unavailable"])
        }
        // Liveness does not depend on the database.
        #expect(try service.request("GET", "/api/v1/health").status == 200)

        try cluster.start()
        for _ in 0..<4 {
            #expect(try service.request("GET", "/api/v1/health/ready").status == 200)
        }
        #expect(service.responder.pid == responderPID && service.responder.isRunning)
    }

    @Test func sigtermLetsTheRequestInFlightFinishAndExitsZero() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url, workers: 2, keepalive: 2)
        defer { service.stop() }
        let port = service.port
        let slow = ResponseBox()
        let thread = Thread {
            slow.set(Result { try TestHTTPClient.request("GET", "/api/v1/_test/sleep?ms=1500", port: port) })
        }
        thread.start()
        // Wait until the slow request is inside the responder, then ask it to stop.
        try service.responder.waitForLog("slow request started", timeout: .seconds(10))
        service.responder.send(SIGTERM)
        let exitStatus = try service.responder.waitForExit(timeout: .seconds(20))
        let response = try slow.wait().get()
        #expect(response.status == 200)
        #expect(response.text == #"{"slept_ms":1500}"#)
        #expect(exitStatus == 0)
        #expect(service.responder.log().contains("Stopped"))
        // With the responder gone, nginx answers with its own JSON error page.
        let afterwards = try service.request("GET", "/api/v1/health")
        #expect(afterwards.status == 502)
        #expect(Check.errorCode(afterwards) == "bad_gateway")
    }

    @Test func idleResponderStopsPromptlyOnSigterm() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url, workers: 4, keepalive: 4)
        defer { service.stop() }
        // Leave kept connections idle on some workers, the others wait in accept().
        for _ in 0..<6 { #expect(try service.request("GET", "/api/v1/health").status == 200) }
        // stop() throws if the responder has not exited within the timeout: idle workers must not hold it up.
        #expect(try service.responder.stop(signal: SIGTERM, timeout: .seconds(10)) == 0)
    }

    @Test(arguments: [LiveService.Listen.tcp, .spawnFCGI])
    func otherWaysToListenServeRequests(listen: LiveService.Listen) throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url, listen: listen)
        defer { service.stop() }
        let response = try service.request("GET", "/api/v1/health")
        #expect(response.status == 200)
        #expect(try response.jsonObject()["status"] as? String == "ok")
        #expect(try service.request("GET", "/api/v1/health/ready").status == 200)
    }

    @Test func descriptorsAndDatabaseConnectionsReturnToBaseline() throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let workers = 3
        let jobWorkers = 2
        let service = try LiveService(
            databaseURL: cluster.url, workers: workers, keepalive: workers,
            environment: ["MENU_API_JOB_WORKERS": String(jobWorkers)])
        defer { service.stop() }
        func round() throws {
            for index in 0..<60 {
                let path =
                    index % 3 == 0 ? "/api/v1/health/ready" : (index % 3 == 1 ? "/api/v1/health" : "/api/v1/nope")
                _ = try service.request("GET", path)
            }
        }
        try round()
        let descriptors = Check.openDescriptorCount(pid: service.responder.pid)
        try round()
        try round()
        #expect(Check.openDescriptorCount(pid: service.responder.pid) == descriptors)
        let admin = PostgresClusterConnection(url: cluster.url)
        let connections = try admin.count(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'menu-api' AND backend_type = 'client backend'"
        )
        // One per FastCGI worker that served, one per job worker, one for their leases, one for the sweeper.
        #expect(connections >= 1 && connections <= workers + jobWorkers + 2)
    }
}

/// A response produced on another thread.
final class ResponseBox: @unchecked Sendable {
    // Sendable: every access holds the condition's lock.
    private let condition = NSCondition()
    private var result: Result<TestHTTPResponse, any Error>?

    func set(_ value: Result<TestHTTPResponse, any Error>) {
        condition.withLock {
            result = value
            condition.broadcast()
        }
    }

    func wait() -> Result<TestHTTPResponse, any Error> {
        condition.withLock {
            while result == nil { condition.wait() }
            return result ?? .failure(TestEnvironmentError(description: "no result"))
        }
    }
}
