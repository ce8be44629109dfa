import Foundation
import MenuKnowledgeTesting
import Postgres
import Testing

/// `scripts/deploy` against a real nginx and PostgreSQL, with the test's supervisor in systemd's place (see
/// ``DeployFixture``): a good release goes live, a release whose migration fails and one that fails readiness are
/// rolled back, old releases are pruned, a second deploy is refused while one holds the lock; and the same script
/// deploying behind Apache and mod_fcgid.
///
/// Not exercised here: the default `swift build -c release` (the builds reuse the debug binary), systemd itself
/// and `systemctl`, a remote repository URL, and TLS.
@Suite(.serialized)
struct DeployEndToEndTests {
    @Test func goodReleaseGoesLiveBrokenOnesRollBackAndOldOnesArePruned() throws {
        let fixture = try DeployFixture()
        defer { fixture.stop() }
        let good = try fixture.shortRevision("deploy-test")

        // 1. The first deploy, of DEPLOY_BRANCH's head: nothing to roll back to, nothing to prune.
        let first = try fixture.deploy()
        #expect(first.status == 0, "\(first.output)")
        let firstRelease = try fixture.currentRelease()
        #expect(firstRelease.hasSuffix("-" + good))
        for step in ["fetch deploy-test", "build \(good)", "migrate", "switch current", "restart", "verify", "prune"] {
            #expect(first.output.contains("==> \(step)"), "\(step) not printed:\n\(first.output)")
        }
        #expect(first.output.contains("migrate: ok ("))
        try expectServing(fixture, release: firstRelease)

        // 2. The same commit again, named by its abbreviation: a second release beside the first.
        let second = try fixture.deploy([good])
        #expect(second.status == 0, "\(second.output)")
        let secondRelease = try fixture.currentRelease()
        #expect(secondRelease != firstRelease)
        #expect(try fixture.releases() == [firstRelease, secondRelease])
        try expectServing(fixture, release: secondRelease)
        let secondPID = try fixture.responderPID()

        // 3. A migration with a syntax error: migrate fails before the switch, so the running release is never
        // touched (same process), and the broken release is not kept.
        let brokenMigration = try fixture.deploy(["broken-migration"])
        #expect(brokenMigration.status == 1, "\(brokenMigration.output)")
        #expect(brokenMigration.output.contains("migrate: FAILED"))
        #expect(try fixture.currentRelease() == secondRelease)
        #expect(try fixture.releases() == [firstRelease, secondRelease])
        #expect(try fixture.responderPID() == secondPID)
        try expectServing(fixture, release: secondRelease)
        let connection = fixture.schema.makeConnection()
        defer { connection.close() }
        let broken = try connection.query(
            "SELECT count(*) AS n FROM schema_migrations WHERE version LIKE '9999%'"
        ).first?.decode(Int.self, column: "n")
        #expect(broken == 0)

        // 4. A release whose responder cannot reach PostgreSQL: live after the switch, /health/ready 503 for the
        // whole DEPLOY_VERIFY_SECONDS, then switched back, restarted and verified.
        let unready = try fixture.deploy(["unready"], verifySeconds: 6)
        #expect(unready.status == 1, "\(unready.output)")
        #expect(unready.output.contains("==> rollback to \(secondRelease)"))
        #expect(try fixture.currentRelease() == secondRelease)
        #expect(try fixture.releases() == [firstRelease, secondRelease])
        #expect(try fixture.responderPID() != secondPID)
        try expectServing(fixture, release: secondRelease)

        // 5. A good release again: the oldest one goes, the previous one stays (DEPLOY_KEEP=2).
        let third = try fixture.deploy(["deploy-test"])
        #expect(third.status == 0, "\(third.output)")
        let thirdRelease = try fixture.currentRelease()
        #expect(third.output.contains("removed \(firstRelease)"))
        #expect(try fixture.releases() == [secondRelease, thirdRelease])
        try expectServing(fixture, release: thirdRelease)

        // One notification per deploy, in order, with the result and the checks and no secret.
        let texts = fixture.notifications()
        try #require(texts.count == 5, "\(texts)")
        #expect(texts[0]?.contains("succeeded: deployed \(firstRelease)") == true, "\(texts[0] ?? "not JSON")")
        #expect(texts[1]?.contains("succeeded: deployed \(secondRelease) (previous: \(firstRelease))") == true)
        #expect(texts[2]?.contains("FAILED at migrate") == true, "\(texts[2] ?? "not JSON")")
        #expect(texts[2]?.contains("rolled back: \(secondRelease) stays current and is healthy") == true)
        #expect(texts[3]?.contains("FAILED at verify") == true, "\(texts[3] ?? "not JSON")")
        #expect(texts[3]?.contains("ready 503") == true)
        #expect(texts[3]?.contains("rolled back to \(secondRelease), which is healthy") == true)
        #expect(texts[4]?.contains("succeeded: deployed \(thirdRelease)") == true)
        for text in texts {
            #expect(text?.contains("checks: health ok, ready 200, metrics 200") == true, "\(text ?? "not JSON")")
        }
        let everything = texts.compactMap { $0 } + [first, second, brokenMigration, unready, third].map(\.output)
        for text in everything {
            #expect(!text.contains(fixture.adminToken))
            #expect(!text.contains(fixture.schema.name))
            #expect(!text.contains(fixture.notifySecret))
        }
    }

    /// Shared hosting: Apache and mod_fcgid start the responders from the shipped `conf/apache/` files, and
    /// `conf/apache/menu-api-restart` is the restart command.
    @Test func apacheModFcgidServesEachDeployedRelease() throws {
        let fixture = try DeployFixture()
        defer { fixture.stop() }
        let apache = try fixture.startApache()
        defer { _ = try? apache.process.stop(timeout: .seconds(30)) }
        let url = "http://127.0.0.1:\(apache.port)"
        let restart = "'\(TestEnvironment.repositoryRoot)/conf/apache/menu-api-restart' '\(fixture.root)'"

        let first = try fixture.deploy(url: url, restartCommand: restart)
        #expect(first.status == 0, "\(first.output)")
        let firstRelease = try fixture.currentRelease()
        #expect(fixture.releasesRunning().allSatisfy { $0 == firstRelease })

        let second = try fixture.deploy(url: url, restartCommand: restart)
        #expect(second.status == 0, "\(second.output)")
        let secondRelease = try fixture.currentRelease()
        #expect(secondRelease != firstRelease)
        // The restart stopped the first release's processes; mod_fcgid started the second's for the checks.
        let running = fixture.releasesRunning()
        #expect(!running.isEmpty && running.allSatisfy { $0 == secondRelease }, "\(running)")
        let health = try TestHTTPClient.request("GET", "/api/v1/health", port: apache.port)
        #expect(health.status == 200)
        #expect(health.text == DeployFixture.healthBody)
        // FcgidMaxRequestLen is raised: a 1 MB body reaches the responder (405 from it, not Apache's 500).
        let large = try TestHTTPClient.request(
            "POST", "/api/v1/health", port: apache.port, body: [UInt8](repeating: 0x61, count: 1 << 20))
        #expect(large.status == 405)
        #expect(large.errorCode() == "method_not_allowed")
    }

    @Test func aSecondDeployIsRefusedWhileTheLockIsHeld() throws {
        let fixture = try DeployFixture()
        defer { fixture.stop() }
        let flock = try TestEnvironment.program("flock")
        let lock = fixture.root + "/deploy.lock"
        let holder = try ChildProcess(
            executable: flock, arguments: [lock, "sleep", "60"], logPath: fixture.directory + "/holder.log")
        defer { _ = try? holder.stop() }
        // Until the holder has it, a non-blocking attempt succeeds.
        var held = false
        for _ in 0..<100 where !held {
            held = try ChildProcess.run(flock, ["-n", lock, "true"]) != 0
            if !held { usleep(50_000) }
        }
        try #require(held)
        let refused = try fixture.deploy()
        #expect(refused.status == 75, "\(refused.output)")
        #expect(refused.output.contains("another deploy is running"))
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/current"))
        #expect(fixture.notifications().isEmpty)
    }

    @Test func helpListsTheSettings() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("deploy-help")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let status = try ChildProcess.run(DeployFixture.deployScript, ["--help"], logPath: directory + "/help.txt")
        let help = (try? String(contentsOfFile: directory + "/help.txt", encoding: .utf8)) ?? ""
        #expect(status == 0)
        for setting in [
            "DEPLOY_ROOT", "DEPLOY_REPOSITORY", "DEPLOY_KEEP", "DEPLOY_VERIFY_SECONDS", "DEPLOY_RESTART_COMMAND",
            "DEPLOY_BUILD_COMMAND", "DEPLOY_NOTIFY_URL", "DEPLOY_ENV_FILE",
        ] {
            #expect(help.contains(setting), "\(setting) missing from --help")
        }
    }

    @Test func scriptsAreShellcheckClean() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("shellcheck")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let helpers = ["supervisor.sh", "fast-build.sh", "make-repository.sh", "render-apache.sh"].map {
            DeployFixture.helpers + "/" + $0
        }
        let shipped = ["conf/apache/menu-api-restart", "conf/apache/menu-api.fcgi"].map {
            TestEnvironment.repositoryRoot + "/" + $0
        }
        let status = try ChildProcess.run(
            try TestEnvironment.program("shellcheck"), [DeployFixture.deployScript] + helpers + shipped,
            logPath: directory + "/shellcheck.txt")
        let findings = (try? String(contentsOfFile: directory + "/shellcheck.txt", encoding: .utf8)) ?? ""
        #expect(status == 0, "\(findings)")
    }

    /// `current` is `release`, the responder runs that release's executable, nginx answers all three checks and
    /// serves the release's page.
    private func expectServing(
        _ fixture: DeployFixture, release: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(try fixture.currentRelease() == release, sourceLocation: sourceLocation)
        #expect(
            try fixture.responderExecutable() == fixture.root + "/releases/\(release)/menu-api",
            sourceLocation: sourceLocation)
        let health = try fixture.request("/api/v1/health")
        #expect(health.status == 200, sourceLocation: sourceLocation)
        #expect(health.text == DeployFixture.healthBody, sourceLocation: sourceLocation)
        #expect(try fixture.request("/api/v1/health/ready").status == 200, sourceLocation: sourceLocation)
        let metrics = try fixture.request(
            "/api/v1/admin/ocr/metrics", headers: [("Authorization", "Bearer \(fixture.adminToken)")])
        #expect(metrics.status == 200, sourceLocation: sourceLocation)
        // The revision's web/ was installed with the release, and nginx serves the page from it.
        let page = try fixture.request("/")
        let installed = try? String(
            contentsOfFile: fixture.root + "/releases/\(release)/web/index.html", encoding: .utf8)
        #expect(page.status == 200, sourceLocation: sourceLocation)
        #expect(installed != nil && page.text == installed, sourceLocation: sourceLocation)
    }
}
