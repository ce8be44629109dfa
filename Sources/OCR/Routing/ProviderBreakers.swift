public import Logging
public import MenuConfiguration
public import MenuModel

/// The process's circuit breakers, one per cloud tier, shared by every tier router the process makes (a router is
/// per thread, an outage is not).
///
/// The local Tesseract tier has none: it is no remote service that can be down, and as the usual last tier it is
/// what the others fall back to.
public final class ProviderBreakers: Sendable {
    private let breakers: [OCRTierName: CircuitBreaker]

    /// One breaker for each cloud tier of `configuration`, with its threshold and cool-down.
    public init(configuration: Configuration.OCR, logger: Logger) {
        var breakers: [OCRTierName: CircuitBreaker] = [:]
        for name in configuration.tierNames where name != .tesseract {
            breakers[name] = CircuitBreaker(
                provider: name.rawValue, failureThreshold: configuration.breakerFailures,
                cooldown: configuration.breakerCooldown, logger: logger)
        }
        self.breakers = breakers
    }

    /// The breaker of tier `name`; nil for the local tier and for tiers not configured.
    public func breaker(for name: OCRTierName) -> CircuitBreaker? { breakers[name] }

    /// Each breaker's provider and whether it is open now, in the tiers' wire-name order (for the metrics).
    public var openStates: [(provider: String, isOpen: Bool)] {
        breakers.values.map { ($0.provider, $0.isOpen) }.sorted { $0.provider < $1.provider }
    }
}
