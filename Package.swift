// swift-tools-version: 6.1
import PackageDescription

/// The same settings on every Swift target (STYLE.md §1): Swift 6 mode plus the upcoming features that keep C types
/// out of public signatures and make existential use explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

var package = Package(
    name: "menu-api",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "menu-api", targets: ["menu-api"]),
        .library(
            name: "MenuKnowledge",
            targets: [
                "JSON", "MenuLogging", "MenuModel", "MenuParsing", "MenuConfiguration", "OCR", "MenuStorage", "MenuAPI",
            ]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries: one system-library target each, found through pkg-config, with the Debian package as hint.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "CTesseract", pkgConfig: "tesseract", providers: [.apt(["libtesseract-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Swift wrappers: each is the only importer of its C module.
        .target(
            name: "FastCGI",
            dependencies: ["CFastCGI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Postgres",
            dependencies: ["CPostgres", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Curl",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "Vips",
            dependencies: ["CVips"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Tesseract",
            dependencies: ["CTesseract"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Digest",
            dependencies: ["CLibCrypto"],
            swiftSettings: swiftSettings
        ),

        // Pixel work of the local tier's preprocessing (ink map, deskew, rule erasing): pure Swift, no C. Optimised
        // in debug builds too: its per-pixel loops run 10-30x slower unoptimised (seconds per page under
        // AddressSanitizer), longer than the tests' OCR deadlines allow, while libvips' C runs optimised anyway.
        .target(
            name: "Imaging",
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"])]
        ),

        // The domain, one module per concern, each importing only the ones above it; none imports a C module.
        // JSON values with ordered keys, and the parser.
        .target(name: "JSON", swiftSettings: swiftSettings),
        // The log lines: a swift-log handler writing logfmt or JSON, one line per event.
        .target(
            name: "MenuLogging",
            dependencies: ["JSON", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Menu items, prices, OCR words and results, failure and error codes, metrics: value types, no I/O.
        .target(name: "MenuModel", dependencies: ["JSON"], swiftSettings: swiftSettings),
        // Price, layout and lexicon rules: pure Swift, so their tests link no C library.
        .target(name: "MenuParsing", dependencies: ["MenuModel"], swiftSettings: swiftSettings),
        // The typed configuration read from the environment.
        .target(
            name: "MenuConfiguration",
            dependencies: ["MenuModel", "MenuLogging", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The OCR tiers and their router: the providers, image preparation, the chain's fallback rules.
        .target(
            name: "OCR",
            dependencies: [
                "JSON", "MenuModel", "MenuParsing", "MenuConfiguration", "Curl", "Vips", "Tesseract", "Imaging",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL: the stores, what they store (canonical results, file outcomes), the migrations.
        .target(
            name: "MenuStorage",
            dependencies: [
                "JSON", "MenuModel", "OCR", "Postgres", "Digest", .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // The HTTP API: router, requests and responses, controllers, and the upload orchestrator.
        .target(
            name: "MenuAPI",
            dependencies: [
                "JSON", "MenuModel", "MenuConfiguration", "OCR", "MenuStorage", "Postgres", "Digest", "Curl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "menu-api",
            dependencies: [
                "JSON", "MenuModel", "MenuLogging", "MenuConfiguration", "OCR", "MenuStorage", "MenuAPI",
                "FastCGI", "Postgres", "Curl", "Vips", "Tesseract",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MenuKnowledgeTesting",
            dependencies: ["JSON", "MenuStorage", "Postgres", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "FastCGITests", dependencies: ["FastCGI", "MenuKnowledgeTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "DigestTests", dependencies: ["Digest"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VipsTests", dependencies: ["Vips", "MenuKnowledgeTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CurlTests", dependencies: ["Curl", "MenuKnowledgeTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PostgresTests", dependencies: ["Postgres", "MenuKnowledgeTesting"], swiftSettings: swiftSettings),
        // One test target per domain module, mirroring its sources. MenuParsingTests, MenuModelTests and JSONTests
        // link no C library.
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MenuLoggingTests",
            dependencies: [
                "JSON", "MenuLogging", "MenuKnowledgeTesting", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MenuModelTests", dependencies: ["JSON", "MenuModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MenuParsingTests", dependencies: ["MenuModel", "MenuParsing"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MenuConfigurationTests",
            dependencies: [
                "MenuModel", "MenuLogging", "MenuConfiguration", "MenuKnowledgeTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCRTests",
            dependencies: [
                "JSON", "MenuModel", "MenuParsing", "MenuConfiguration", "OCR", "MenuKnowledgeTesting", "Curl", "Vips",
                "Tesseract", "Imaging", .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MenuStorageTests",
            dependencies: [
                "JSON", "MenuModel", "OCR", "MenuStorage", "MenuKnowledgeTesting", "Postgres", "Digest",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MenuAPITests",
            dependencies: [
                "JSON", "MenuModel", "MenuConfiguration", "OCR", "MenuStorage", "MenuAPI", "MenuKnowledgeTesting",
                "Postgres", "Digest", "Vips", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "MenuStorage", "MenuKnowledgeTesting", "Postgres", "Digest",
                .product(name: "Logging", package: "swift-log"),
            ],
            // The deploy test's shell helpers (run from the source tree, not bundled).
            exclude: ["Deploy"],
            swiftSettings: swiftSettings
        ),
    ]
)

// The libFuzzer targets (Fuzz/, `make fuzz`): declared only when MENU_API_FUZZ is set, because they link only with
// `--sanitize fuzzer` (their entry is `LLVMFuzzerTestOneInput`; libFuzzer brings `main`), so `swift build` and
// `swift test` never see them.
if Context.environment["MENU_API_FUZZ"] != nil {
    package.targets += [
        .target(
            name: "FuzzSupport", dependencies: ["MenuModel", "MenuParsing"], path: "Fuzz/FuzzSupport",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzJSON", dependencies: ["FuzzSupport", "JSON"], path: "Fuzz/FuzzJSON", swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzPrice", dependencies: ["FuzzSupport", "MenuModel", "MenuParsing"], path: "Fuzz/FuzzPrice",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzLayout", dependencies: ["FuzzSupport", "MenuModel", "MenuParsing"], path: "Fuzz/FuzzLayout",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzMultipart", dependencies: ["FuzzSupport", "MenuAPI"], path: "Fuzz/FuzzMultipart",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzProviderReplies",
            dependencies: ["FuzzSupport", "JSON", "MenuModel", "MenuParsing", "OCR", "Curl"],
            path: "Fuzz/FuzzProviderReplies", swiftSettings: swiftSettings),
    ]
}
