extension Configuration {
    /// The upload route's limits.
    public struct Uploads: Sendable {
        /// Files per request (`UPLOAD_MAX_FILES`). Defaults to 20.
        public var maxFiles = 20
        /// Bytes per file (`UPLOAD_MAX_FILE_BYTES`). Defaults to 10,485,760 (10 MB).
        public var maxFileBytes = 10_485_760
        /// Pixels per image, checked on the header before decoding (`UPLOAD_MAX_PIXELS`). Defaults to 40,000,000.
        public var maxPixels = 40_000_000
        /// The shortest side an image may have, in pixels, checked on the header before any provider is called
        /// (`UPLOAD_MIN_SIDE`); a smaller image fails as `image_too_small`. Defaults to 200: below that no photo
        /// holds a menu any tier reads, and every tier (GPT paid) would run on it to find nothing.
        public var minSide = 200
        /// Pages read of one PDF (`UPLOAD_MAX_PDF_PAGES`); a longer PDF fails as `too_many_pages`. Defaults to 10.
        public var maxPDFPages = 10
        /// Files of one request read at once (`UPLOAD_PARALLELISM`). Defaults to 4.
        public var parallelism = 4
        /// Images read at once in the whole process, over all requests (`OCR_CONCURRENCY`). Defaults to 8.
        public var ocrConcurrency = 8
        /// How long a cached result is served (`OCR_CACHE_TTL_SECONDS`). Defaults to 2,592,000 s (30 days).
        public var cacheTimeToLive: Duration = .seconds(2_592_000)
        /// Keeps each uploaded image (a PDF's rendered pages) with its task, for the review page, until the task is
        /// purged (`KEEP_UPLOADS`). Defaults to false: images are deleted once read, only results are kept.
        public var keepsUploads = false
        /// Items under this confidence are flagged for review (`REVIEW_MIN_CONFIDENCE`, 0...1). Defaults to 0.85: on
        /// the held-out set's calibrated local-tier confidences the lowest 0.05 step that catches 80% of wrong items.
        public var reviewMinConfidence = 0.85
        /// Whether the B2B routes need a restaurant API key (`B2B_AUTH=required|optional`). Defaults to optional,
        /// and is always required when `APP_ENV=production`.
        public var requiresAPIKey = false
    }

    mutating func readUploads(from reader: EnvironmentReader) throws(ConfigurationError) {
        uploads.maxFiles = try reader.integer("UPLOAD_MAX_FILES", in: 1...1000) ?? uploads.maxFiles
        uploads.maxFileBytes =
            try reader.integer("UPLOAD_MAX_FILE_BYTES", in: 1...1_073_741_824) ?? uploads.maxFileBytes
        uploads.maxPixels = try reader.integer("UPLOAD_MAX_PIXELS", in: 1...1_000_000_000) ?? uploads.maxPixels
        uploads.minSide = try reader.integer("UPLOAD_MIN_SIDE", in: 1...10_000) ?? uploads.minSide
        // A square of the minimum side must fit under the pixel limit, or no image could ever pass both checks.
        guard uploads.minSide * uploads.minSide <= uploads.maxPixels else {
            throw ConfigurationError(
                variable: "UPLOAD_MIN_SIDE",
                reason:
                    "\(uploads.minSide)x\(uploads.minSide) is over UPLOAD_MAX_PIXELS (\(uploads.maxPixels)), so no image could pass"
            )
        }
        uploads.maxPDFPages = try reader.integer("UPLOAD_MAX_PDF_PAGES", in: 1...500) ?? uploads.maxPDFPages
        uploads.parallelism = try reader.integer("UPLOAD_PARALLELISM", in: 1...64) ?? uploads.parallelism
        uploads.ocrConcurrency = try reader.integer("OCR_CONCURRENCY", in: 1...256) ?? uploads.ocrConcurrency
        uploads.cacheTimeToLive =
            try reader.seconds("OCR_CACHE_TTL_SECONDS", in: 1...31_536_000) ?? uploads.cacheTimeToLive
        uploads.keepsUploads = try reader.flag("KEEP_UPLOADS") ?? uploads.keepsUploads
        if let text = try reader.nonEmpty("REVIEW_MIN_CONFIDENCE") {
            guard let value = Double(text), (0...1).contains(value) else {
                throw ConfigurationError(
                    variable: "REVIEW_MIN_CONFIDENCE", reason: "'\(text)' is not a number from 0 to 1")
            }
            uploads.reviewMinConfidence = value
        }
        let auth = try reader.choice("B2B_AUTH", of: APIKeyPolicy.self)
        if auth == .optional, isProduction {
            throw ConfigurationError(
                variable: "B2B_AUTH", reason: "API keys are always required when APP_ENV=production")
        }
        uploads.requiresAPIKey = isProduction || auth == .required
    }

    /// `B2B_AUTH`: whether uploads need a restaurant's API key.
    private enum APIKeyPolicy: String, CaseIterable {
        case required
        case optional
    }
}
