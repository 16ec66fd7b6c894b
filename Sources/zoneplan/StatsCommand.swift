import ArgumentParser
import Foundation
import ZonePlan
import ZoneService
import ZoneQuery

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Areas in 亩 per layer and per county; platform tiers against the 2015 targets.",
        discussion: """
        Areas are computed on EPSG:4549. The platform tier totals (union of each tier's platforms) are set \
        against the plan's 2015 development-area targets (000:492–540: national 40 km², provincial 150 km², \
        town/regional 160 km², total 350 km²). The platform layer is schematic, so the comparison is indicative. \
        --by county adds each county's area per layer and per functional-zone category; --by platform each \
        platform's area and stated area; --by zone each main functional zone.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var data: GeoDataOptions

    @Option(name: .long, help: "Break down by county, platform or zone.")
    var by: StatsGrouping?

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let snapshot = try data.snapshot()
        let report = try queryInput { try snapshot.makeQuery().stats(by: by, progress: TerminalProgress()) }
        writeOut(format == .json ? try QueryText.json(report) : QueryText.stats(report))
    }
}

extension StatsGrouping: ExpressibleByArgument {}
