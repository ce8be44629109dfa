import Foundation
import Logging
import MenuConfiguration
import MenuKnowledgeTesting
import MenuLogging
import MenuModel
import Testing

struct ConfigurationTests {
    @Test func defaultsWithEmptyEnvironment() throws {
        let configuration = try Configuration(environment: [:])
        #expect(configuration.environment == .development)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.database.url == "postgresql://menu_api@127.0.0.1:5432/menu_api")
        #expect(configuration.database.connectTimeout == .seconds(5))
        #expect(configuration.fastCGI.listen == nil)
        #expect(configuration.fastCGI.socketMode == 0o660)
        #expect(configuration.fastCGI.workers == 16)
        #expect(configuration.fastCGI.backlog == 128)
        #expect(configuration.fastCGI.shutdownGracePeriod == .seconds(30))
        #expect(configuration.limits.maxBodyBytes == 52_428_800)
        #expect(configuration.enablesTestRoutes == false)
        #expect(configuration.migrationsDirectory == nil)
    }

    @Test func readsEveryVariable() throws {
        let configuration = try Configuration(environment: [
            "APP_ENV": "production", "LOG_LEVEL": "debug", "LOG_FORMAT": "json", "DATABASE_URL": "postgresql://u@db/x",
            "DATABASE_CONNECT_TIMEOUT_SECONDS": "2.5", "MENU_API_LISTEN": "unix:/run/m.sock",
            "MENU_API_SOCKET_MODE": "0666",
            "MENU_API_WORKERS": "32", "MENU_API_BACKLOG": "512", "MENU_API_SHUTDOWN_GRACE_SECONDS": "10",
            "MENU_API_MAX_BODY_BYTES": "1048576", "MENU_API_TEST_ROUTES": "0",
            "MENU_API_MIGRATIONS_DIR": "/usr/share/menu-api/migrations", "ADMIN_TOKEN": "a-long-enough-admin-token",
        ])
        #expect(configuration.isProduction)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .json)
        #expect(configuration.database.url == "postgresql://u@db/x")
        #expect(configuration.database.connectTimeout == .milliseconds(2500))
        #expect(configuration.fastCGI.listen == "unix:/run/m.sock")
        #expect(configuration.fastCGI.socketMode == 0o666)
        #expect(configuration.fastCGI.workers == 32)
        #expect(configuration.fastCGI.backlog == 512)
        #expect(configuration.fastCGI.shutdownGracePeriod == .seconds(10))
        #expect(configuration.limits.maxBodyBytes == 1_048_576)
        #expect(configuration.migrationsDirectory == "/usr/share/menu-api/migrations")
        #expect(configuration.adminToken == Secret("a-long-enough-admin-token"))
        #expect(configuration.uploads.requiresAPIKey)
    }

    /// `UPLOAD_MIN_SIDE` (issue 15): 200 by default, read with the other upload limits, and refused when a square
    /// of that side could not pass `UPLOAD_MAX_PIXELS`.
    @Test func minimumImageSideIsAnUploadSetting() throws {
        #expect(try Configuration(environment: [:]).uploads.minSide == 200)
        #expect(try Configuration(environment: ["UPLOAD_MIN_SIDE": "64"]).uploads.minSide == 64)
        #expect(
            try Configuration(environment: ["UPLOAD_MIN_SIDE": "1000", "UPLOAD_MAX_PIXELS": "1000000"]).uploads.minSide
                == 1000)
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: ["UPLOAD_MIN_SIDE": "1001", "UPLOAD_MAX_PIXELS": "1000000"])
        }
    }

    @Test func emptyValueMeansDefault() throws {
        #expect(try Configuration(environment: ["MENU_API_WORKERS": "  ", "APP_ENV": ""]).fastCGI.workers == 16)
    }

    @Test(arguments: [
        ("APP_ENV", "prod"), ("LOG_LEVEL", "verbose"), ("LOG_FORMAT", "text"), ("LOG_FORMAT", "JSON"),
        ("MENU_API_WORKERS", "0"), ("MENU_API_WORKERS", "many"),
        ("MENU_API_WORKERS", "5000"), ("MENU_API_SOCKET_MODE", "0999"), ("MENU_API_SOCKET_MODE", "1777"),
        ("MENU_API_BACKLOG", "-1"), ("MENU_API_SHUTDOWN_GRACE_SECONDS", "soon"), ("MENU_API_MAX_BODY_BYTES", "0"),
        ("DATABASE_CONNECT_TIMEOUT_SECONDS", "0"), ("MENU_API_TEST_ROUTES", "maybe"), ("DATABASE_MAX_CONNECTIONS", "1"),
        ("DATABASE_MAX_CONNECTIONS", "16"), ("OCR_BREAKER_FAILURES", "0"), ("OCR_BREAKER_COOLDOWN_SECONDS", "0"),
        ("OCR_BREAKER_COOLDOWN_SECONDS", "soon"), ("OPENAI_DAILY_BUDGET_USD", "0"), ("OPENAI_DAILY_BUDGET_USD", "-5"),
        ("OPENAI_MONTHLY_BUDGET_USD", "ten"), ("OPENAI_MONTHLY_BUDGET_USD", "inf"),
    ])
    func badValueNamesItsVariable(variable: String, value: String) {
        #expect {
            try Configuration(environment: [variable: value])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == variable && error.description.contains(variable)
                && error.description.contains(value)
        }
    }

    @Test func breakerAndBudgetSettingsReadTheirVariables() throws {
        let defaults = Configuration().ocr
        #expect(defaults.breakerFailures == 5)
        #expect(defaults.breakerCooldown == .seconds(30))
        #expect(defaults.openAI.dailyBudgetUSD == nil && defaults.openAI.monthlyBudgetUSD == nil)
        let configuration = try Configuration(environment: [
            "OCR_BREAKER_FAILURES": "3", "OCR_BREAKER_COOLDOWN_SECONDS": "90", "OPENAI_API_KEY": "sk-test",
            "OPENAI_DAILY_BUDGET_USD": "2.5", "OPENAI_MONTHLY_BUDGET_USD": "40",
        ])
        #expect(configuration.ocr.breakerFailures == 3)
        #expect(configuration.ocr.breakerCooldown == .seconds(90))
        #expect(configuration.ocr.openAI.dailyBudgetUSD == 2.5)
        #expect(configuration.ocr.openAI.monthlyBudgetUSD == 40)
        #expect(configuration.ocr.limitsOpenAISpend)
        // The budget's reader holds a connection of its own.
        #expect(configuration.connectionHoldingWorkers == Configuration().connectionHoldingWorkers + 1)
        // Without GPT vision a budget limits nothing and opens no connection.
        let local = try Configuration(environment: ["OPENAI_DAILY_BUDGET_USD": "2.5"])
        #expect(!local.ocr.limitsOpenAISpend)
        #expect(local.connectionHoldingWorkers == Configuration().connectionHoldingWorkers)
    }

    @Test func theConnectionBudgetCoversTheWorkersFirst() throws {
        let configuration = try Configuration(environment: ["DATABASE_MAX_CONNECTIONS": "24", "MENU_API_WORKERS": "8"])
        #expect(configuration.database.maxConnections == 24)
        #expect(configuration.database.cacheConnections(workers: configuration.fastCGI.workers) == 16)
        #expect(configuration.connectionHoldingWorkers == 8 + 2 + 1 + 1, "workers, job workers, keeper, sweeper")
        #expect(Configuration().database.maxConnections == 40)
        // A budget the workers alone use up cannot work: start-up stops, naming the variable.
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: ["DATABASE_MAX_CONNECTIONS": "8", "MENU_API_WORKERS": "8"])
        }
    }

    @Test func jobSettingsReadTheirVariables() throws {
        let defaults = Configuration().jobs
        #expect(defaults.workers == 2)
        #expect(defaults.lease == .seconds(60))
        #expect(defaults.maxClaims == 3)
        #expect(defaults.webhookRetrySchedule.map(\.components.seconds) == [30, 120, 600, 3600, 21_600])
        #expect(defaults.webhookGiveUp == .seconds(86_400))
        let jobs = try Configuration(environment: [
            "MENU_API_JOB_WORKERS": "0", "OCR_JOB_LEASE_SECONDS": "5", "OCR_MAX_CLAIMS": "2",
            "MENU_API_JOB_POLL_SECONDS": "0.2", "WEBHOOK_TIMEOUT_SECONDS": "3",
            "WEBHOOK_RETRY_SCHEDULE_SECONDS": "0.5, 2", "WEBHOOK_GIVE_UP_SECONDS": "60", "TASK_RETENTION_DAYS": "7",
            "IDEMPOTENCY_KEY_TTL_SECONDS": "3600",
        ]).jobs
        #expect(jobs.workers == 0)
        #expect(jobs.lease == .seconds(5))
        #expect(jobs.maxClaims == 2)
        #expect(jobs.pollInterval == .milliseconds(200))
        #expect(jobs.webhookTimeout == .seconds(3))
        #expect(jobs.webhookRetrySchedule == [.milliseconds(500), .seconds(2)])
        #expect(jobs.webhookGiveUp == .seconds(60))
        #expect(jobs.taskRetentionDays == 7)
        #expect(jobs.idempotencyKeyLifetime == .seconds(3600))
        for (variable, value) in [
            ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "30,soon"), ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "-1"),
            ("MENU_API_JOB_POLL_SECONDS", "0.01"), ("OCR_MAX_CLAIMS", "0"), ("MENU_API_JOB_WORKERS", "-1"),
        ] {
            #expect(throws: ConfigurationError.self, "\(variable)=\(value)") {
                try Configuration(environment: [variable: value])
            }
        }
        // Job workers and their lease keeper hold connections too.
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: [
                "DATABASE_MAX_CONNECTIONS": "11", "MENU_API_WORKERS": "8", "MENU_API_JOB_WORKERS": "1",
            ])
        }
        #expect(
            try Configuration(environment: [
                "DATABASE_MAX_CONNECTIONS": "12", "MENU_API_WORKERS": "8", "MENU_API_JOB_WORKERS": "1",
            ]).connectionHoldingWorkers == 11)
    }

    @Test func testRoutesAreRefusedInProduction() {
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: ["APP_ENV": "production", "MENU_API_TEST_ROUTES": "1"])
        }
    }
}

/// The shipped environment sample is the documentation operators copy: it must parse, and give the defaults.
struct EnvironmentSampleTests {
    @Test func sampleParsesToTheDefaults() throws {
        let path = MenuKnowledgeTesting.TestEnvironment.repositoryRoot + "/conf/menu-api.env.example"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        #expect(variables.count >= 40)
        let sample = try Configuration(environment: variables)
        let defaults = Configuration()
        #expect(sample.fastCGI.workers == defaults.fastCGI.workers)
        #expect(sample.uploads.maxFiles == defaults.uploads.maxFiles)
        #expect(sample.uploads.cacheTimeToLive == defaults.uploads.cacheTimeToLive)
        #expect(sample.ocr.tierNames == [.tesseract])
        #expect(sample.ocr.imageDeadline == defaults.ocr.imageDeadline)
        #expect(sample.ocr.openAI.baseURL == defaults.ocr.openAI.baseURL)
        #expect(sample.ocr.openAI.inputPricePerMillionTokens == defaults.ocr.openAI.inputPricePerMillionTokens)
        #expect(sample.adminToken == nil)
        #expect(sample.jobs.workers == defaults.jobs.workers)
        #expect(sample.jobs.webhookRetrySchedule == defaults.jobs.webhookRetrySchedule)
        #expect(sample.jobs.lease == defaults.jobs.lease)
        // Every variable the service reads appears in the sample.
        let source =
            try String(
                contentsOfFile: MenuKnowledgeTesting.TestEnvironment.repositoryRoot
                    + "/Sources/MenuConfiguration/Configuration+OCR.swift", encoding: .utf8)
            + String(
                contentsOfFile: MenuKnowledgeTesting.TestEnvironment.repositoryRoot
                    + "/Sources/MenuConfiguration/Configuration+Uploads.swift", encoding: .utf8)
            + String(
                contentsOfFile: MenuKnowledgeTesting.TestEnvironment.repositoryRoot
                    + "/Sources/MenuConfiguration/Configuration+Jobs.swift", encoding: .utf8)
            + String(
                contentsOfFile: MenuKnowledgeTesting.TestEnvironment.repositoryRoot
                    + "/Sources/MenuConfiguration/Configuration.swift", encoding: .utf8)
        for match in source.matches(of: /reader\.[a-zA-Z]+\("([A-Z0-9_]+)"/) {
            #expect(variables[String(match.1)] != nil, "\(match.1) is missing from the sample")
        }
    }

    /// A peer's message that echoes a secret (OpenAI's 401 quotes the key) is logged without it.
    @Test func aSecretIsRedactedInTextThatEchoesIt() {
        let key = Secret("sk-live-secret-value")
        #expect(
            key.redacted(in: "Incorrect API key provided: sk-live-secret-value (sk-live-secret-value)")
                == "Incorrect API key provided: <redacted> (<redacted>)")
        #expect(key.redacted(in: "quota exceeded") == "quota exceeded")
        #expect(Secret("").redacted(in: "anything") == "anything")
    }

    @Test func secretsAreRedactedWhenPrinted() throws {
        let configuration = try Configuration(environment: [
            "OPENAI_API_KEY": "sk-live-secret-value",
            "CLOVA_OCR_URL": "https://x.apigw.ntruss.com/custom/v1/1/k/general",
            "CLOVA_OCR_SECRET": "clova-secret-value", "ADMIN_TOKEN": "admin-secret-value-123",
        ])
        let printed = "\(configuration) \(String(reflecting: configuration))"
        #expect(!printed.contains("sk-live-secret-value"))
        #expect(!printed.contains("clova-secret-value"))
        #expect(!printed.contains("admin-secret-value-123"))
        #expect(configuration.ocr.tierNames == [.gptVision, .clova, .tesseract])
    }

    @Test(arguments: [
        ("OCR_TIERS", "gpt_vision,ocr"), ("OCR_TIERS", "tesseract,tesseract"), ("OCR_TIER1_MIN_CONFIDENCE", "1.5"),
        ("OPENAI_BASE_URL", "api.openai.com"), ("UPLOAD_MAX_FILES", "0"), ("B2B_AUTH", "sometimes"),
        ("ADMIN_TOKEN", "short"), ("OCR_TIERS", "gpt_vision"), ("OCR_TIERS", "tesseract,gpt-vision"),
        ("UPLOAD_MIN_SIDE", "0"), ("UPLOAD_MIN_SIDE", "tiny"), ("UPLOAD_MIN_SIDE", "7000"),
    ])
    func badOCRAndUploadValuesNameTheirVariable(variable: String, value: String) {
        #expect {
            try Configuration(environment: [variable: value])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            // OCR_TIERS=gpt_vision without a key names the missing key.
            return error.variable == variable || error.variable == "OPENAI_API_KEY"
        }
    }
}
