import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneQuery
import ZoneStore
import ZoneVetting

struct SuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Rank the development platforms where a failing or conditional project would pass.",
        discussion: """
        The site (same shape and area) is moved into each platform — onto a point inside the platform's \
        key-development-zone part — and vetted there by the rule pack. Platforms where the verdict is \
        approve or conditional are ranked by verdict, then whether the industry matches the guidance \
        there, then distance from the proposed site; each candidate shows these parts so the suggestion \
        can be defended. Land quota is not checked yet (no workspace): the output says so. \
        Exit 0 when at least one platform passes, 1 when none does, 2 for a bad application.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, geojson }

    @OptionGroup var data: GeoDataOptions

    @Argument(help: ArgumentHelp("Application file (one GeoJSON Feature; - reads standard input).", valueName: "application"))
    var application: String

    @Option(name: .long, help: "Show at most this many candidates.")
    var top: Int = 10

    @Option(name: .long, help: "Output format: text, json, or geojson (the moved sites, ranked).")
    var format: Format = .text

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        let plan = try data.load()
        let engine: VettingEngine
        do { engine = try compiledSnapshot(plan).makeEngine() } catch { fail("cannot prepare the plan layers: \(error)", code: Exit.internalError) }
        let label = application == "-" ? "stdin" : application
        let entries: [Result<Application, ApplicationError>]
        do { entries = try ApplicationFile.read(readInputFile(application), fileLabel: label, catalog: plan.industries, engine: engine.engine) } catch {
            fail("\(error)", code: Exit.badInput)
        }
        guard entries.count == 1 else { fail("\(label): give one application (a Feature), found \(entries.count)", code: Exit.badInput) }
        let app: Application
        switch entries[0] {
        case .failure(let e): fail("\(e)", code: Exit.badInput)
        case .success(let a): app = a
        }
        // With a workspace, platforms whose land-quota account is short are left out.
        let quotas: QuotaProvider? = data.workspaceLocation == nil ? nil
            : WorkspaceQuotas(store: data.workspace().store, year: Calendar(identifier: .gregorian).component(.year, from: Date()))
        let report = try queryInput { try SiteSuggester(engine: engine, quotas: quotas).suggest(app, limit: top, progress: TerminalProgress()) }
        switch format {
        case .text: writeOut(QueryText.suggestion(report))
        case .json: writeOut(try QueryText.json(report))
        case .geojson:
            let features = report.candidates.map { c in
                Feature(id: .string(c.platform.id), geometry: c.site, properties: [
                    "rank": .number(Double(c.rank)), "platform": .string(c.platform.name), "platform_id": .string(c.platform.id),
                    "verdict": .string(c.score.verdict.rawValue), "guidance_match": .bool(c.score.guidanceMatch),
                    "distance_km": .number(c.score.distanceKm), "quota": .string(c.score.quota),
                    "conditions": .string(c.conditions.joined(separator: ",")), "name": .string(report.application),
                ])
            }
            writeOut(String(decoding: GeoJSON.encode(features: features), as: UTF8.self) + "\n")
        }
        if report.candidates.isEmpty { throw ExitCode(Exit.notApproved) }
    }
}

/// The workspace's platform accounts, for `suggest`.
struct WorkspaceQuotas: QuotaProvider {
    let store: WorkspaceStore
    let year: Int
    func remainingMu(platformId: String) throws -> Double? {
        try store.quotaStatus(QuotaAccountKey(kind: .platform, ref: platformId, year: year))?.balanceMu
    }
}
