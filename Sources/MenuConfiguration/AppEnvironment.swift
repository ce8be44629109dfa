/// Where the service runs (`APP_ENV`). Production tightens what is allowed: API keys always required, an admin
/// token required, no test routes.
public enum AppEnvironment: String, Sendable, CaseIterable {
    case development
    case test
    case staging
    case production
}
