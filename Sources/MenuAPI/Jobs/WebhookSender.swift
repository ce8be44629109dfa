public import Curl
public import Foundation

/// Sends one signed delivery: a POST of the task body with the event, delivery id and signature headers.
///
/// Owns its HTTP client (libcurl easy handle): one sender per worker thread.
public final class WebhookSender {
    private let client: HTTPClient
    private let timeout: Duration
    private let isProduction: Bool

    /// What an attempt got: a status, or the transport error that stopped it.
    public struct Attempt: Sendable {
        public var httpStatus: Int?
        public var error: String?
        public var duration: Duration

        public var succeeded: Bool { httpStatus.map { (200...299).contains($0) } ?? false }
    }

    public init(client: HTTPClient, timeout: Duration, isProduction: Bool) {
        self.client = client
        self.timeout = timeout
        self.isProduction = isProduction
    }

    /// POSTs `body` to `url`, signed with `secret` at the current time.
    /// - Note: Blocks the calling thread for at most the timeout.
    public func send(
        _ body: [UInt8], to url: String, event: String, deliveryID: UUID, secret: String
    ) -> Attempt {
        let start = ContinuousClock.now
        // Checked again before every attempt: what a host name resolves to can change after it was set. The
        // connection then goes to the addresses checked, never to a second DNS answer.
        let checked: WebhookURL
        do throws(WebhookURL.Refusal) {
            checked = try WebhookURL(url, isProduction: isProduction)
        } catch {
            return Attempt(httpStatus: nil, error: "refused: \(error.message)", duration: start.duration(to: .now))
        }
        let timestamp = Int(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(
            url: url, method: "POST",
            headers: [
                ("Content-Type", "application/json"), ("User-Agent", "menu-api-webhooks/1"),
                ("X-Menu-Api-Event", event), ("X-Menu-Api-Delivery", deliveryID.uuidString.lowercased()),
                ("X-Menu-Api-Signature", WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)),
            ], body: body)
        if let address = checked.checkedAddresses.first {
            // Straight to an address that was checked: no second DNS answer, no proxy resolving the name itself.
            request.connectAddress = (address.bytes.count == 16 ? "[\(address)]" : "\(address)", checked.port)
            request.usesProxy = false
        }
        do throws(HTTPClientError) {
            let response = try client.send(request, timeout: timeout)
            return Attempt(httpStatus: response.status, error: nil, duration: start.duration(to: .now))
        } catch {
            return Attempt(httpStatus: nil, error: error.shortDescription, duration: start.duration(to: .now))
        }
    }
}
