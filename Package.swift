// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Moor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "moor", targets: ["moor"]),
        .library(name: "MoorCore", targets: ["MoorCore"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "GitSource", targets: ["GitSource"]),
        .library(name: "Render", targets: ["Render"]),
        .library(name: "ChartSource", targets: ["ChartSource"]),
        .library(name: "Sync", targets: ["Sync"]),
        .library(name: "KubeCache", targets: ["KubeCache"]),
        .library(name: "Health", targets: ["Health"]),
        .library(name: "HealthScript", targets: ["HealthScript"]),
        .library(name: "Diff", targets: ["Diff"]),
        .library(name: "ChartArchive", targets: ["ChartArchive"]),
        .library(name: "MoorYAML", targets: ["MoorYAML"]),
        .library(name: "Controller", targets: ["Controller"]),
        .library(name: "Server", targets: ["Server"]),
        .library(name: "Projects", targets: ["Projects"]),
        .library(name: "Notifications", targets: ["Notifications"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(name: "MoorCore", swiftSettings: strict),
        .target(
            name: "ProcessRunner", dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: strict
        ),
        .target(
            name: "MoorYAML",
            dependencies: ["MoorCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "KubeClient",
            dependencies: [
                "MoorCore", "MoorYAML",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                "ProcessRunner",
            ],
            swiftSettings: strict
        ),
        .target(
            name: "GitSource",
            dependencies: ["MoorCore", "ProcessRunner", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "Render",
            dependencies: ["MoorCore", "MoorYAML", "ProcessRunner", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "ChartArchive", dependencies: ["CZlib"], swiftSettings: strict),
        .target(
            name: "ChartSource",
            dependencies: [
                "MoorCore", "MoorYAML", "ChartArchive",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KubeCache",
            dependencies: [
                "MoorCore", "KubeClient", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Health", dependencies: ["MoorCore"], swiftSettings: strict),
        .systemLibrary(name: "CLua", path: "Sources/CLua"),
        .target(
            name: "HealthScript", dependencies: ["Health", "MoorCore", "MoorYAML", "CLua"], swiftSettings: strict
        ),
        .target(name: "Diff", dependencies: ["MoorCore", "MoorYAML"], swiftSettings: strict),
        .target(name: "Projects", dependencies: ["MoorCore"], swiftSettings: strict),
        .target(
            name: "Notifications",
            dependencies: [
                "MoorCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Sync",
            dependencies: [
                "MoorCore", "KubeClient", "Health", "Diff",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Controller",
            dependencies: [
                "MoorCore", "KubeClient", "KubeCache", "GitSource", "Render", "ChartSource", "Sync", "Health",
                "HealthScript", "Diff", "Projects", "Notifications",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Server",
            dependencies: [
                "MoorCore", "MoorYAML", "KubeClient", "GitSource", "Controller", "Sync", "Health", "Notifications",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("UI")],
            swiftSettings: strict
        ),
        .target(
            name: "MoorTestSupport",
            dependencies: [
                "MoorCore", "KubeClient", .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "moor",
            dependencies: [
                "MoorCore", "MoorYAML", "KubeClient", "GitSource", "Render", "ChartSource", "Health", "HealthScript",
                "Sync", "Controller", "Server", "Projects", "Notifications",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "MoorCoreTests", dependencies: ["MoorCore", "MoorTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MoorYAMLTests", dependencies: ["MoorYAML", "MoorCore", "MoorTestSupport"], swiftSettings: strict
        ),
        .testTarget(
            name: "GitSourceTests", dependencies: ["GitSource", "MoorCore", "MoorTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "RenderTests", dependencies: ["Render", "MoorCore", "MoorYAML", "MoorTestSupport"],
            exclude: ["Charts"], swiftSettings: strict
        ),
        .testTarget(name: "HealthTests", dependencies: ["Health", "MoorCore", "MoorYAML"], swiftSettings: strict),
        .testTarget(
            name: "HealthScriptTests", dependencies: ["HealthScript", "Health", "MoorCore"], swiftSettings: strict
        ),
        .testTarget(
            name: "DiffTests", dependencies: ["Diff", "MoorCore", "MoorYAML", "MoorTestSupport"], swiftSettings: strict
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: ["Sync", "MoorCore", "MoorYAML", "KubeClient", "Health", "Diff", "MoorTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "Controller", "ChartSource", "MoorCore", "MoorYAML", "KubeClient", "KubeCache", "Sync", "Render",
                "MoorTestSupport", "Projects", "Notifications",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Controller", "Health", "MoorCore", "MoorYAML", "KubeClient", "MoorTestSupport", "Sync",
                "GitSource", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ProjectsTests", dependencies: ["Projects", "MoorCore", "MoorYAML"], swiftSettings: strict
        ),
        .testTarget(
            name: "NotificationsTests",
            dependencies: ["Notifications", "MoorCore", "MoorYAML", "MoorTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "ProcessRunnerTests", dependencies: ["ProcessRunner"], swiftSettings: strict),
        .testTarget(name: "ChartArchiveTests", dependencies: ["ChartArchive", "MoorCore"], swiftSettings: strict),
        .testTarget(
            name: "ChartSourceTests",
            dependencies: ["ChartSource", "ChartArchive", "MoorCore", "Render", "MoorTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KubeCacheTests", dependencies: ["KubeCache", "KubeClient", "MoorCore", "MoorTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: ["KubeClient", "MoorCore", "MoorYAML", "MoorTestSupport"],
            swiftSettings: strict
        ),
    ]
)
