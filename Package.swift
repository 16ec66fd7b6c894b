// swift-tools-version:6.0
import PackageDescription

// Layering (lower never imports higher):
//   CGEOS / CPROJ / CSpatiaLite  (system libraries, one per C library)
//   ZoneGeometry                 (geometry value types, GEOS + PROJ wrappers, GeoJSON)
//   ZonePlan                     (plan model: layers, platforms, functional zones, industries, rule pack)
//   ZoneVetting                  (one rule per file + the vetting engine)
//   ZoneStore                    (the workspace: one interface, SpatiaLite and PostGIS backends)
//   ZoneQuery                    (spatial queries, site suggestions, GIS exports)
//   ZoneService                  (application layer: plan snapshots, the workspace session)
//   zoneplan, zoneplan-bench     (thin shells)
let package = Package(
    name: "ZonePlanner",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "zoneplan", targets: ["zoneplan"]),
        .library(name: "ZoneGeometry", targets: ["ZoneGeometry"]),
        .library(name: "ZonePlan", targets: ["ZonePlan"]),
        .library(name: "ZoneVetting", targets: ["ZoneVetting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CGEOS", path: "Sources/CGEOS", pkgConfig: "geos",
                       providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", path: "Sources/CPROJ", pkgConfig: "proj",
                       providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CSpatiaLite", path: "Sources/CSpatiaLite", pkgConfig: "spatialite",
                       providers: [.apt(["libspatialite-dev", "libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ZoneGeometry", dependencies: ["CGEOS", "CPROJ"]),
        .target(name: "ZonePlan", dependencies: ["ZoneGeometry", "Yams"]),
        .target(name: "ZoneVetting", dependencies: ["ZonePlan", "ZoneGeometry"]),
        .target(name: "ZoneStore", dependencies: ["ZoneVetting", "ZonePlan", "ZoneGeometry", "CSpatiaLite"]),
        .target(name: "ZoneQuery", dependencies: ["ZoneVetting", "ZonePlan", "ZoneGeometry"]),
        // 亩均效益: firm figures and parcels scored and classed by the evaluation pack.
        .target(name: "ZoneEvaluation", dependencies: ["ZonePlan", "ZoneGeometry"]),
        .target(name: "ZonePostGIS", dependencies: [
            "ZoneStore", "ZoneVetting", "ZoneGeometry",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The application layer: the plan snapshot and the workspace session the shells share.
        .target(name: "ZoneService", dependencies: ["ZoneStore", "ZoneQuery", "ZoneVetting", "ZoneEvaluation", "ZonePlan", "ZoneGeometry"]),
        .target(name: "ZoneServer", dependencies: [
            "ZoneService", "ZoneStore", "ZoneQuery", "ZoneVetting", "ZonePlan", "ZoneGeometry", "CZlib",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "ZoneBench", dependencies: ["ZoneGeometry"]),
        .executableTarget(name: "zoneplan-bench", dependencies: ["ZoneBench", "ZoneGeometry"]),
        .executableTarget(name: "zoneplan", dependencies: [
            "ZoneVetting", "ZonePlan", "ZoneGeometry", "ZoneStore", "ZoneQuery", "ZonePostGIS", "ZoneServer", "ZoneService", "ZoneEvaluation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ZoneGeometryTests", dependencies: ["ZoneGeometry", "CSpatiaLite"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ZonePlanTests", dependencies: ["ZonePlan", "ZoneVetting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZoneVettingTests", dependencies: ["ZoneVetting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZoneStoreTests", dependencies: ["ZoneStore", "ZoneService", "ZonePostGIS"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZonePostGISTests", dependencies: ["ZonePostGIS", "ZoneStore", "ZoneService"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZoneServerTests", dependencies: [
            "ZoneServer", "ZonePostGIS", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZoneEvaluationTests", dependencies: ["ZoneEvaluation", "ZoneVetting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZoneQueryTests", dependencies: ["ZoneQuery"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZoneBenchTests", dependencies: ["ZoneBench"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["zoneplan"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, one per reader (Fuzz/, `make fuzz`, docs/RELIABILITY.md). Declared only when
// ZONEPLAN_FUZZ is set, so `swift build` and `swift test` never build them.
if Context.environment["ZONEPLAN_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzSupport", dependencies: ["ZoneService", "ZoneVetting", "ZonePlan", "ZoneGeometry"], path: "Fuzz/Support"),
        .executableTarget(name: "fuzz-application-geojson", dependencies: ["FuzzSupport", "ZoneVetting", "ZoneGeometry"],
                          path: "Fuzz/ApplicationGeoJSON"),
        .executableTarget(name: "fuzz-baobu-txt", dependencies: ["FuzzSupport", "ZoneGeometry"], path: "Fuzz/BaobuTXT"),
        .executableTarget(name: "fuzz-rulepack-yaml", dependencies: ["FuzzSupport", "ZoneEvaluation", "ZonePlan", "ZoneVetting"],
                          path: "Fuzz/RulePack"),
        .executableTarget(name: "fuzz-shapefile", dependencies: ["FuzzSupport", "ZoneStore", "ZonePlan"], path: "Fuzz/Shapefile"),
        .executableTarget(name: "fuzz-evaluation-csv", dependencies: ["FuzzSupport", "ZoneEvaluation"], path: "Fuzz/EvaluationCSV"),
        .executableTarget(name: "fuzz-server-request", dependencies: [
            "FuzzSupport", "ZoneServer", "ZoneQuery",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Fuzz/ServerRequest"),
    ]
}
