// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: the pure modules (SpendEvents, SpendAggregation,
// SpendDashboard) never import a C module, so their tests need neither a broker
// nor a terminal.
let package = Package(
    name: "spendtop",
    products: [
        .executable(name: "spendtop", targets: ["spendtop"]),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "SpendEvents"),
        .target(name: "SpendAggregation", dependencies: ["SpendEvents"]),
        .target(name: "SpendKafka", dependencies: ["CRdKafka", "SpendEvents"]),
        .target(name: "SpendDashboard", dependencies: ["SpendAggregation", "SpendEvents"]),
        .target(name: "SpendTerminal", dependencies: ["CNcurses", "SpendDashboard"]),
        .executableTarget(
            name: "spendtop",
            dependencies: ["SpendEvents", "SpendAggregation", "SpendKafka", "SpendDashboard", "SpendTerminal"]
        ),
        .testTarget(name: "SpendEventsTests", dependencies: ["SpendEvents"]),
        .testTarget(name: "SpendAggregationTests", dependencies: ["SpendAggregation", "SpendEvents"]),
        .testTarget(name: "SpendKafkaTests", dependencies: ["SpendKafka", "SpendEvents"]),
        .testTarget(name: "SpendDashboardTests", dependencies: ["SpendDashboard", "SpendAggregation", "SpendEvents"]),
        .testTarget(name: "EndToEndTests", dependencies: []),
    ]
)
