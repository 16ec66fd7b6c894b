import ArgumentParser
import Foundation
import ZonePlan
import ZoneServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the plan layers (OGC API – Features), vetting, the decision ledger and the map page over HTTP.",
        discussion: """
        Endpoints: / /conformance /api /collections/{id}/items (OGC API – Features), POST /vet, \
        GET /where?lon=&lat=, POST /report, GET|POST /decisions, GET /decisions/{id}/report, \
        GET|POST /quotas, /map. Writes (POST /decisions, POST /quotas) need a bearer token: \
        --token-file FILE or $ZONEPLAN_TOKEN. Note for --tiles: Amap/Gaode tiles are GCJ-02 and \
        would sit ~500 m off our WGS84 layers; use a WGS84/CGCS2000 tile server.
        """)

    @OptionGroup var data: GeoDataOptions

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port = 8080

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the bearer token for writes (else $ZONEPLAN_TOKEN).", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Tile URL template for the map page, e.g. https://tiles.bureau/{z}/{x}/{y}.png (WGS84 tiles, not Amap GCJ-02).", valueName: "url"))
    var tiles: String?

    @Option(name: .customLong("max-body"), help: ArgumentHelp("Largest request body in bytes (larger: 413).", valueName: "bytes"))
    var maxBody = 2 * 1024 * 1024

    @Option(name: .long, help: ArgumentHelp("Folder holding Leaflet (Debian libjs-leaflet).", valueName: "dir"))
    var leaflet = "/usr/share/javascript/leaflet"

    @Option(name: .long, help: ArgumentHelp("Vetting engines (GEOS/PROJ contexts) kept for concurrent requests.", valueName: "n"))
    var engines = max(2, ProcessInfo.processInfo.activeProcessorCount)

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port \(port) is not a port number") }
        if maxBody < 1024 { throw ValidationError("--max-body must be at least 1024 bytes") }
        if engines < 1 { throw ValidationError("--engines must be at least 1") }
        // Checked at start: the server would otherwise print an unusable format on every report.
        if let p = DecisionNumber.problem(DecisionNumber.configuredFormat) { throw ValidationError("$\(DecisionNumber.environmentVariable): \(p)") }
    }

    func run() throws {
        let plan = try data.load()
        let token: String?
        do { token = try ServerConfiguration.readToken(file: tokenFile) } catch { fail("\(error)", code: Exit.badInput) }
        let examples = GeoDataLocator.locate(explicit: data.geodata)?.url.appendingPathComponent("examples")
        let config = ServerConfiguration(plan: plan, host: host, port: port, workspace: data.workspaceLocation?.location, token: token,
                                         tilesURL: tiles, maxBodyBytes: maxBody, leafletDirectory: leaflet,
                                         examplesDirectory: examples, engineCount: engines)
        if !data.quiet {
            note("serving on http://\(host):\(port)/ (map: /map); writes \(token == nil ? "disabled (no token)" : "enabled (bearer token set)")"
                 + (config.workspace.map { "; workspace \($0.hasPrefix("postgres") ? "PostGIS" : $0)" } ?? ""))
            if !FileManager.default.fileExists(atPath: leaflet + "/leaflet.js") {
                note("warning: \(leaflet)/leaflet.js not found: install libjs-leaflet for the map page")
            }
        }
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do { try await serve(config) } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        if let e = failure.error { fail("server stopped: \(e)", code: Exit.internalError) }
    }
}

private final class FailureBox: @unchecked Sendable {
    var error: Error?
}
