import Curl
import Foundation
import Logging
import MenuModel

/// What a provider makes of one HTTP response.
enum ProviderVerdict {
    /// A usable answer.
    case accept
    /// A transient failure: try again after `delay` (nil: exponential backoff) if the deadline allows.
    case retry(reason: OCRFailureReason, message: String, delay: Duration?)
    /// A failure that another attempt cannot fix (bad key, quota, bad request).
    case fail(reason: OCRFailureReason, message: String)
}

/// A provider call that failed for good; `reason` is the bounded label metrics store.
struct ProviderFailure: Error {
    var reason: OCRFailureReason
    var message: String
}

/// Sends a provider request with bounded retries inside an absolute deadline. Shared by the cloud tiers so both
/// follow one retry discipline: the OpenAI SDKs' (0.5 s doubling to at most 8 s, times a random 0.75...1, or exactly
/// the server's `Retry-After` when it is at most 60 s), and never a sleep that would end past the deadline: the
/// router's next tier needs that time more than a provider that is already struggling.
struct ProviderRequester {
    let client: HTTPClient
    let provider: String
    /// One attempt's limit.
    let callTimeout: Duration
    let maxRetries: Int
    let logger: Logger
    /// Below this much time left an attempt cannot succeed, so none is started.
    static let minimumAttemptTime: Duration = .milliseconds(100)

    /// - Note: Blocks the calling thread for at most the time until `deadline`.
    func perform(
        _ request: HTTPClientRequest, until deadline: ContinuousClock.Instant,
        classify: (HTTPClientResponse) -> ProviderVerdict
    ) -> Result<HTTPClientResponse, ProviderFailure> {
        let clock = ContinuousClock()
        var retriesLeft = maxRetries
        var attempt = 0
        while true {
            let remaining = clock.now.duration(to: deadline)
            guard remaining >= Self.minimumAttemptTime else {
                return .failure(ProviderFailure(reason: .timeout, message: "\(provider): the deadline passed"))
            }
            var retryDelay: Duration?
            let failure: ProviderFailure
            do {
                let response = try client.send(request, timeout: min(callTimeout, remaining))
                switch classify(response) {
                case .accept: return .success(response)
                case .fail(let reason, let message):
                    return .failure(ProviderFailure(reason: reason, message: message))
                case .retry(let reason, let message, let delay):
                    failure = ProviderFailure(reason: reason, message: message)
                    retryDelay = delay
                }
            } catch {
                let reason: OCRFailureReason =
                    switch error.code {
                    case .timeout: .timeout
                    case .tls: .tls
                    case .responseTooLarge: .responseTooLarge
                    default: .connection
                    }
                failure = ProviderFailure(reason: reason, message: "\(provider): \(error.description)")
                // A timeout spent this attempt's whole budget, TLS and size failures will not change on a retry.
                guard error.code == .connect || error.code == .connectionLost || error.code == .transport else {
                    return .failure(failure)
                }
            }
            let delay = retryDelay ?? Self.backoff(attempt: attempt)
            guard retriesLeft > 0, clock.now.duration(to: deadline) >= delay + Self.minimumAttemptTime else {
                return .failure(failure)
            }
            logger.debug(
                "Retrying provider call",
                metadata: [
                    LogKey.provider: "\(provider)", LogKey.retryReason: "\(failure.reason)",
                    LogKey.retryDelayMilliseconds: "\(delay.milliseconds)",
                ])
            Thread.sleep(forTimeInterval: delay.seconds)
            retriesLeft -= 1
            attempt += 1
        }
    }

    /// 0.5 s doubling per attempt, capped at 8 s, times a random factor in 0.75...1 so clients spread out.
    static func backoff(attempt: Int) -> Duration {
        let base = min(8.0, 0.5 * pow(2.0, Double(attempt)))
        return .milliseconds(Int64(base * Double.random(in: 0.75...1) * 1000))
    }

    /// The server's requested wait: `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date. Nil when
    /// absent, unparsable, not positive or over 60 s (then backoff applies, as in the SDKs).
    static func retryDelay(from response: HTTPClientResponse, now: Date = Date()) -> Duration? {
        var seconds: Double?
        if let text = response.header("retry-after-ms"), let milliseconds = Double(text) {
            seconds = milliseconds / 1000
        } else if let text = response.header("retry-after") {
            if let value = Double(text) {
                seconds = value
            } else if let date = httpDate(text) {
                seconds = date.timeIntervalSince(now)
            }
        }
        guard let seconds, seconds > 0, seconds <= 60 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
