// swift-tools-version: 6.1
// Moor's benchmarks: a package of its own so normal builds never compile them.
// Run through `benchmarks/run.sh` (see the README).
import PackageDescription

let package = Package(
    name: "MoorBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // run.sh links .deps/moor to the repository root, so the package is called "moor" wherever it is cloned.
        .package(path: ".deps/moor"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "moor-bench",
            dependencies: [
                .product(name: "KubeClient", package: "moor"),
                .product(name: "MoorCore", package: "moor"),
                .product(name: "Render", package: "moor"),
                .product(name: "Sync", package: "moor"),
                .product(name: "GitSource", package: "moor"),
                .product(name: "ChartSource", package: "moor"),
                .product(name: "Controller", package: "moor"),
                .product(name: "Server", package: "moor"),
                .product(name: "Health", package: "moor"),
                .product(name: "HealthScript", package: "moor"),
                .product(name: "Notifications", package: "moor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/moor-bench"
        )
    ]
)
