import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZonePostGIS
import ZoneService
import ZoneStore
import ZoneVetting

/// Exit codes (documented in the README).
enum Exit {
    static let approved: Int32 = 0
    static let notApproved: Int32 = 1
    static let badInput: Int32 = 2
    static let badGeoData: Int32 = 3
    static let internalError: Int32 = 4
    static let notFound: Int32 = 5
    static let conflict: Int32 = 6
}

@main
struct ZonePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoneplan",
        abstract: "Vet where industrial projects may be sited in Jiaxing (嘉兴), with evidence from the plans.",
        discussion: """
        Exit codes: 0 all approved (or command succeeded), 1 some application not approved \
        (conditional, reject or incomplete), 2 bad input (also a case step by the wrong role or \
        on one's own case), 3 GeoData or rule pack invalid, 4 internal error (GEOS/PROJ/SQLite), \
        5 not found, 6 conflict (e.g. workspace already initialised; a case step out of order or \
        already signed), 64 bad command-line usage.
        """,
        subcommands: [LayersCommand.self, ShowCommand.self, CheckCommand.self, DecideCommand.self, InitCommand.self, ImportCommand.self, LedgerCommand.self, ReportCommand.self, QuotaCommand.self, WhereCommand.self, QueryCommand.self, SuggestCommand.self, StatsCommand.self, GridCommand.self, ExportCommand.self, ServeCommand.self, EvaluateCommand.self, AuditCommand.self, PeopleCommand.self, CaseCommand.self]
    )

    /// Links the PostGIS backend in, so `--db postgres://…` and `$ZONEPLAN_DB` work, then runs.
    static func main() {
        ZonePostGIS.register()
        Self.main(nil)
    }
}

/// Where the plan data comes from; shared by every command that reads layers: a workspace
/// (`--db`, `$ZONEPLAN_DB`, or the default workspace file when it exists) or a GeoData folder
/// (`--geodata`, `$ZONEPLAN_GEODATA`, `./GeoData`, the repository's GeoData).
struct GeoDataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("GeoData folder (default: $\(GeoDataLocator.environmentVariable), ./GeoData, or the repo's GeoData).", valueName: "dir"))
    var geodata: String?

    @Option(name: .long, help: ArgumentHelp("Workspace: a SpatiaLite file or postgres:// URL (default: $\(WorkspaceLocator.environmentVariable), else \(WorkspaceLocator.defaultPath) if it exists).", valueName: "path|url"))
    var db: String?

    @Flag(name: .long, help: "Do not say on stderr which data is used.")
    var quiet = false

    /// The workspace location, when the plan should come from one.
    var workspaceLocation: (location: String, how: String)? {
        if geodata != nil && db == nil { return nil }
        if let db { return (db, "--db") }
        if let env = ProcessInfo.processInfo.environment[WorkspaceLocator.environmentVariable], !env.isEmpty {
            return (env, "$\(WorkspaceLocator.environmentVariable)")
        }
        if ProcessInfo.processInfo.environment[GeoDataLocator.environmentVariable].map({ !$0.isEmpty }) == true { return nil }
        return WorkspaceLocator.configured(explicit: nil)
    }

    /// Opens the configured workspace (exit 3 when there is none or it is not initialised).
    func workspace(create: Bool = false) -> Workspace {
        guard let (location, how) = workspaceLocation ?? (create ? (WorkspaceLocator.defaultPath, "default workspace") : nil) else {
            fail("no workspace: pass --db PATH, set $\(WorkspaceLocator.environmentVariable), or run `zoneplan init`", code: Exit.badGeoData)
        }
        do {
            let store = try WorkspaceLocator.open(location, create: create)
            if !quiet { note("using \(store.backendName) workspace \(WorkspaceLocator.redacted(location)) (\(how))") }
            return Workspace(store: store)
        } catch {
            failWith(error)
        }
    }

    /// Loads and validates the plan; on failure prints one line and exits 3.
    func load() throws -> PlanData {
        if workspaceLocation != nil {
            let ws = workspace()
            do {
                let plan = try ws.loadPlan()
                if !quiet { note("layers from the workspace (\(plan.geodataVersion)); rule pack \(plan.rulePack.version)") }
                return plan
            } catch {
                failWith(error)
            }
        }
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

extension GeoDataOptions {
    /// The plan compiled once (ZoneService's snapshot): every engine and query of a command comes
    /// from it, as the server's do.
    func snapshot() throws -> PlanSnapshot { compiledSnapshot(try load()) }
}

/// `plan` compiled into a snapshot, or exit 4 (the layers could not be projected or indexed).
func compiledSnapshot(_ plan: PlanData) -> PlanSnapshot {
    do { return try PlanSnapshot(plan: plan) } catch { fail("cannot prepare the plan layers: \(error)", code: Exit.internalError) }
}

/// Who is acting, for the ledger and imports.
struct OfficialOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Your name for the record (default: $ZONEPLAN_OFFICIAL, else $USER).", valueName: "name"))
    var official: String?

    var name: String {
        let env = ProcessInfo.processInfo.environment
        return official ?? env["ZONEPLAN_OFFICIAL"] ?? env["USER"] ?? "unknown"
    }
}

/// One line for an error of any layer, with its exit code.
func failWith(_ error: Error) -> Never {
    switch error {
    case let e as WorkspaceError:
        switch e.kind {
        case .badInput: fail(e.message, code: Exit.badInput)
        case .notFound: fail(e.message, code: Exit.notFound)
        case .notInitialized: fail(e.message, code: Exit.badGeoData)
        case .conflict: fail(e.message, code: Exit.conflict)
        }
    case let e as NotPermitted: fail(e.message, code: Exit.badInput)
    case let e as PlanDataError: fail("invalid: \(e)", code: Exit.badInput)
    case let e as ApplicationError: fail("\(e)", code: Exit.badInput)
    case let e as BaobuError: fail("\(e)", code: Exit.badInput)
    case let e as GeoJSONError: fail("\(e)", code: Exit.badInput)
    default: fail("\(error)", code: Exit.internalError)
    }
}

func note(_ s: String) {
    FileHandle.standardError.write(Data(("zoneplan: " + TerminalText.escape(s) + "\n").utf8))
}

func fail(_ s: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data(("zoneplan: error: " + TerminalText.escape(s) + "\n").utf8))
    exit(code)
}

func writeOut(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}
