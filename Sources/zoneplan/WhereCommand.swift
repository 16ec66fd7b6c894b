import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneQuery
import ZoneVetting

struct WhereCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "Every layer feature at a point, with the rules and industry guidance that apply there.",
        discussion: """
        Give longitude then latitude (WGS 84), or X (easting) then Y (northing) with --crs EPSG:4549. \
        --crs gcj02 takes a point read off Amap/Gaode (GCJ-02) and converts it to WGS 84. \
        Lists the county, the core/belt/district, platform, main functional zone and clusters, the \
        guidance lists (重点布局/改造提升/培育发展) and what each rule of the rule pack says about the place. \
        Exit 0 on success, 2 for bad coordinates or an unknown CRS.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var data: GeoDataOptions

    @Argument(help: ArgumentHelp("Longitude (or easting X in metres).", valueName: "x"))
    var x: String

    @Argument(help: ArgumentHelp("Latitude (or northing Y in metres).", valueName: "y"))
    var y: String

    @Option(name: .long, help: "CRS of the point: EPSG:4326 (default), EPSG:4490, EPSG:4549, EPSG:4528, or gcj02 (Amap/Gaode).")
    var crs: String = "EPSG:4326"

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let (point, inputCRS, input) = try queryInput {
            let c = try InputCRS.parse(crs)
            let xv = try CoordinateInput.number(x, name: "x"), yv = try CoordinateInput.number(y, name: "y")
            return (try CoordinateInput.lonLat(x: xv, y: yv, crs: c), c, [xv, yv])
        }
        let snapshot = try data.snapshot()
        let report = try queryInput { try snapshot.makeQuery().place(point, input: input, crs: inputCRS) }
        writeOut(format == .json ? try QueryText.json(report) : QueryText.place(report))
    }
}

/// Runs ZoneQuery code; a `QueryError` becomes one line on stderr and its exit code (2 bad
/// input, 5 not found), a geometry-library failure exit 4.
func queryInput<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as QueryError {
        fail(e.description, code: e.exitCode)
    } catch let e as GEOSError {
        fail("\(e)", code: Exit.internalError)
    } catch let e as PROJError {
        fail("\(e)", code: Exit.internalError)
    }
}

/// Reads a file argument ("-" = standard input) or exits 2.
func readInputFile(_ path: String) -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let d = FileManager.default.contents(atPath: path) else {
        fail("\(path): cannot read the file", code: Exit.badInput)
    }
    return d
}
