import ArgumentParser
import Foundation
import ZonePlan
import ZoneVetting

/// Exit codes (documented in the README).
enum Exit {
    static let approved: Int32 = 0
    static let notApproved: Int32 = 1
    static let badInput: Int32 = 2
    static let badGeoData: Int32 = 3
    static let internalError: Int32 = 4
    static let notFound: Int32 = 5
}

@main
struct ZonePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoneplan",
        abstract: "Vet where industrial projects may be sited in Jiaxing (嘉兴), with evidence from the plans.",
        discussion: """
        Exit codes: 0 all approved (or command succeeded), 1 some application not approved \
        (conditional, reject or incomplete), 2 bad input, 3 GeoData or rule pack invalid, \
        4 internal error (GEOS/PROJ), 5 not found, 64 bad command-line usage.
        """,
        subcommands: [LayersCommand.self, ShowCommand.self, CheckCommand.self]
    )
}

/// Where the plan data comes from; shared by every command that reads layers.
struct GeoDataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("GeoData folder (default: $\(GeoDataLocator.environmentVariable), ./GeoData, or the repo's GeoData).", valueName: "dir"))
    var geodata: String?

    @Flag(name: .long, help: "Do not say on stderr which data is used.")
    var quiet = false

    /// Loads and validates the plan; on failure prints one line and exits 3.
    func load() throws -> PlanData {
        guard let (url, how) = GeoDataLocator.locate(explicit: geodata) else {
            fail("no GeoData folder found: pass --geodata DIR or set $\(GeoDataLocator.environmentVariable)", code: Exit.badGeoData)
        }
        do {
            let plan = try VettingEngine.loadPlan(from: url)
            if !quiet {
                note("using GeoData \(plan.geodataVersion) at \(url.path) (\(how)); rule pack \(plan.rulePack.version)")
            }
            return plan
        } catch let e as PlanDataError {
            fail("GeoData invalid: \(e)", code: Exit.badGeoData)
        } catch {
            fail("GeoData cannot be loaded: \(error)", code: Exit.badGeoData)
        }
    }
}

func note(_ s: String) {
    FileHandle.standardError.write(Data(("zoneplan: " + s + "\n").utf8))
}

func fail(_ s: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data(("zoneplan: error: " + s + "\n").utf8))
    exit(code)
}

func writeOut(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}
