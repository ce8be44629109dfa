/// The service version, from one constant.
public enum ServiceVersion {
    /// The version in `/api/v1/health` and `menu-api --version`.
    public static let current = "0.1.0"
}
