import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneQuery

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Features that intersect a box or a geometry, with overlap areas in 亩 and shares.",
        discussion: """
        --bbox W,S,E,N is a lon/lat box (or in --crs); --geometry FILE is a GeoJSON geometry, Feature or \
        FeatureCollection in RFC 7946 lon/lat (- reads standard input). --buffer grows the query area by \
        metres on EPSG:4549. By default a feature is listed when it intersects the area; --within lists \
        the features lying entirely within the area, --covers those that cover the whole area. Each \
        feature shows the overlap in 亩, its share of the query area and of the feature. \
        Exit 0 on success, 2 for bad input (a malformed, empty or inverted box, bad coordinates), 5 for an unknown layer.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var data: GeoDataOptions

    @Option(name: .long, help: ArgumentHelp("Query box west,south,east,north.", valueName: "W,S,E,N"))
    var bbox: String?

    @Option(name: .long, help: ArgumentHelp("Query geometry: a GeoJSON file (- for standard input).", valueName: "file"))
    var geometry: String?

    @Option(name: .long, help: ArgumentHelp("Only this layer (admin, layout, platforms, function_zones, clusters).", valueName: "layer"))
    var layer: String?

    @Option(name: .long, help: ArgumentHelp("Grow the query area by this many metres first.", valueName: "metres"))
    var buffer: Double = 0

    @Flag(name: .long, help: "List only features lying entirely within the query area.")
    var within = false

    @Flag(name: .long, help: "List only features that cover the whole query area.")
    var covers = false

    @Option(name: .long, help: "CRS of --bbox: EPSG:4326 (default), EPSG:4490, EPSG:4549, EPSG:4528, gcj02.")
    var crs: String = "EPSG:4326"

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func validate() throws {
        if (bbox == nil) == (geometry == nil) { throw ValidationError("give exactly one of --bbox W,S,E,N and --geometry FILE") }
        if within && covers { throw ValidationError("--within and --covers exclude each other") }
        if !buffer.isFinite || buffer < 0 { throw ValidationError("--buffer must be a distance ≥ 0 in metres") }
    }

    func run() throws {
        let area: Geometry = try queryInput {
            if let bbox {
                return .polygon(try CoordinateInput.bbox(bbox, crs: try InputCRS.parse(crs)).polygon)
            }
            let path = geometry!
            return try SpatialQuery.readGeometry(readInputFile(path), label: path == "-" ? "stdin" : path)
        }
        let snapshot = try data.snapshot()
        let answer = try queryInput {
            try snapshot.makeQuery().query(area, predicate: within ? .within : (covers ? .covers : .intersects), layer: layer, bufferM: buffer)
        }
        writeOut(format == .json ? try QueryText.json(answer) : QueryText.query(answer))
    }
}
