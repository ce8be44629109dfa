import MenuKnowledge
import Testing

struct ConfigurationTests {
    @Test func defaultsWithEmptyEnvironment() throws {
        let configuration = try Configuration(environment: [:])
        #expect(configuration.environment == "development")
        #expect(configuration.logLevel == "info")
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
            "APP_ENV": "production", "LOG_LEVEL": "debug", "DATABASE_URL": "postgresql://u@db/x",
            "DATABASE_CONNECT_TIMEOUT_SECONDS": "2.5", "MENU_API_LISTEN": "unix:/run/m.sock",
            "MENU_API_SOCKET_MODE": "0666",
            "MENU_API_WORKERS": "32", "MENU_API_BACKLOG": "512", "MENU_API_SHUTDOWN_GRACE_SECONDS": "10",
            "MENU_API_MAX_BODY_BYTES": "1048576", "MENU_API_TEST_ROUTES": "0",
            "MENU_API_MIGRATIONS_DIR": "/usr/share/menu-api/migrations",
        ])
        #expect(configuration.isProduction)
        #expect(configuration.logLevel == "debug")
        #expect(configuration.database.url == "postgresql://u@db/x")
        #expect(configuration.database.connectTimeout == .milliseconds(2500))
        #expect(configuration.fastCGI.listen == "unix:/run/m.sock")
        #expect(configuration.fastCGI.socketMode == 0o666)
        #expect(configuration.fastCGI.workers == 32)
        #expect(configuration.fastCGI.backlog == 512)
        #expect(configuration.fastCGI.shutdownGracePeriod == .seconds(10))
        #expect(configuration.limits.maxBodyBytes == 1_048_576)
        #expect(configuration.migrationsDirectory == "/usr/share/menu-api/migrations")
    }

    @Test func emptyValueMeansDefault() throws {
        #expect(try Configuration(environment: ["MENU_API_WORKERS": "  ", "APP_ENV": ""]).fastCGI.workers == 16)
    }

    @Test(arguments: [
        ("APP_ENV", "prod"), ("LOG_LEVEL", "verbose"), ("MENU_API_WORKERS", "0"), ("MENU_API_WORKERS", "many"),
        ("MENU_API_WORKERS", "5000"), ("MENU_API_SOCKET_MODE", "0999"), ("MENU_API_SOCKET_MODE", "1777"),
        ("MENU_API_BACKLOG", "-1"), ("MENU_API_SHUTDOWN_GRACE_SECONDS", "soon"), ("MENU_API_MAX_BODY_BYTES", "0"),
        ("DATABASE_CONNECT_TIMEOUT_SECONDS", "0"), ("MENU_API_TEST_ROUTES", "maybe"),
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

    @Test func testRoutesAreRefusedInProduction() {
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: ["APP_ENV": "production", "MENU_API_TEST_ROUTES": "1"])
        }
    }
}
