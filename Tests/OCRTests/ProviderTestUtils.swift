import Curl
import Foundation
import JSON
import Logging
import MenuConfiguration
import MenuKnowledgeTesting
import MenuModel
import OCR
import Vips

/// What the cloud-tier tests share: libcurl and libvips started once, fixture images, provider configurations that
/// point at the fake servers on 127.0.0.1.
enum ProviderTestSupport {
    static let fixtures = TestEnvironment.repositoryRoot + "/Tests/OCRTests/Fixtures"
    static let logger = Logger(label: "menu-api.tests")

    /// `curl_global_init` must run once before the first handle; Swift runs a static `let` initialiser exactly once,
    /// whatever the threads.
    private static let curlStartup = Result { () throws(CurlError) in try Curl.initializeLibrary() }

    /// A fresh HTTP client (its own connections), after libcurl and libvips are initialised.
    static func client() throws -> HTTPClient {
        try curlStartup.get()
        try Vips.initialize()
        return try HTTPClient()
    }

    /// A fixture file's bytes.
    static func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(file)")))
    }

    /// A fixture file as a tier receives it.
    static func image(_ file: String) throws -> PreparedImage {
        PreparedImage(original: try bytes(file))
    }

    /// The defaults, pointed at `fake` with its key.
    static func openAIConfiguration(
        _ fake: FakeOpenAIServer, maxRetries: Int = 2, timeout: Duration = .seconds(20)
    ) -> Configuration.OpenAI {
        var configuration = Configuration().ocr.openAI
        configuration.apiKey = Secret(fake.apiKey)
        configuration.baseURL = fake.baseURL
        configuration.model = fake.model
        configuration.maxRetries = maxRetries
        configuration.timeout = timeout
        return configuration
    }

    /// The defaults, pointed at `fake` with `secret` (its own unless given).
    static func clovaConfiguration(
        _ fake: FakeClovaServer, secret: String? = nil, maxRetries: Int = 2, timeout: Duration = .seconds(15)
    ) -> Configuration.Clova {
        var configuration = Configuration().ocr.clova
        configuration.url = fake.invokeURL
        configuration.secret = Secret(secret ?? fake.secret)
        configuration.maxRetries = maxRetries
        configuration.timeout = timeout
        return configuration
    }

    /// A JSON request body the way a fake received it.
    static func body(of request: FakeHTTPRequest?) throws -> JSONValue {
        guard let request else { throw TestEnvironmentError(description: "the fake received no request") }
        return try JSONParser.parse(request.body)
    }

    /// What a failed result says, for `#expect` comments.
    static func describe(_ result: OCRResult) -> String {
        "\(result.provider) success=\(result.isSuccess) reason=\(result.failureReason?.rawValue ?? "-") "
            + "message=\(result.failureMessage ?? "-") items=\(result.items.map(\.nameKorean))"
    }
}
