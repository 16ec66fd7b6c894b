import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// The ledger's invariants under seeded random sequences of quota allocations, decisions
/// (approve, conditional, reject sites), revisions (including second revisions of one decision,
/// which must be refused) and layer imports — two writer threads at once on one SpatiaLite file,
/// one writer on PostGIS. After every step, on the writer's own connection:
/// - `verify()` finds no problem;
/// - no decision is superseded more than once;
/// - every account's live draws (decisions no revision superseded, less land returned against
///   them) are within its allocation;
/// - the replay of a random decision reproduces it.
@Suite(.serialized) struct LedgerPropertyTests {
    static let examples = ["jiaxipera-compressor", "xinhuaguang-pv-modules", "huayou-cathode", "jinko-solar-cells",
                           "two-counties", "prohibited-zone", "energy-fail", "outside-jiaxing", "missing-energy"]
    static let year = 2026

    @Test(arguments: Backend.allCases) func ledgerInvariantsHoldUnderRandomSequences(_ backend: Backend) throws {
        let seed: UInt64 = ProcessInfo.processInfo.environment["ZONEPLAN_PROPERTY_SEED"].flatMap(UInt64.init) ?? 20_261_130
        let (threads, steps) = backend == .spatialite ? (2, 14) : (1, 18)
        let t = try TempWorkspace(backend)
        let apps = try Self.examples.map { try example($0) }
        nonisolated(unsafe) let shared = apps
        let counties = Array(Set(plan.features(kind: .county).flatMap(\.counties))).sorted()
        // Tight quotas, so decisions compete for the land.
        for c in counties {
            try t.workspace.setQuota(QuotaAccountKey(kind: .county, ref: c, year: Self.year), mu: 300, name: c, official: "甲", note: nil)
        }
        let smallest = try #require(plan.layers.min { $0.features.count < $1.features.count })
        let stores = try (0..<threads).map { _ in try t.openStore() }
        nonisolated(unsafe) let workspaces = stores.map(Workspace.init(store:))
        let logs = try onThreads(threads) { i -> [String] in
            var rng = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9)
            let ws = workspaces[i]
            var failures: [String] = []
            var counts: [String: Int] = [:]
            for step in 0..<steps {
                let label = "seed \(seed) thread \(i) step \(step)"
                let roll = Int.random(in: 0..<100, using: &rng)
                do {
                    switch roll {
                    case 0..<12:
                        let c = counties.randomElement(using: &rng)!
                        do {
                            try ws.setQuota(QuotaAccountKey(kind: .county, ref: c, year: Self.year), mu: Double(Int.random(in: 0...6, using: &rng) * 100),
                                            name: c, official: "甲", note: nil)
                            counts["quota", default: 0] += 1
                        } catch let e as WorkspaceError where e.kind == .conflict {
                            counts["quota refused", default: 0] += 1  // below what is drawn
                        }
                    case 12..<62:
                        let (app, data) = shared.randomElement(using: &rng)!
                        let r = try ws.record(application: app, input: data, official: "官员\(i)", note: nil, year: Self.year)
                        counts["decide \(r.record.verdict.rawValue)", default: 0] += 1
                    case 62..<94:
                        let links = try ws.store.decisionLinks()
                        guard let target = links.randomElement(using: &rng)?.id else { continue }
                        let supersededBefore = try ws.store.supersedingDecision(of: target)
                        let (app, data) = shared.randomElement(using: &rng)!
                        do {
                            _ = try ws.record(application: app, input: data, official: "官员\(i)", note: "复核", supersedes: target, year: Self.year)
                            counts["supersede", default: 0] += 1
                            if let by = supersededBefore { failures.append("\(label): decision \(target) superseded again (already by \(by))") }
                        } catch let e as WorkspaceError where e.kind == .conflict {
                            counts["supersede refused", default: 0] += 1
                            if !e.message.hasPrefix("decision \(target) was already superseded by decision ") {
                                failures.append("\(label): unexpected conflict: \(e.message)")
                            }
                        }
                    default:
                        let features = try ws.store.layerFeatures(versionId: try ws.store.layerVersions(layer: smallest.name, activeOnly: true)[0].id!)
                        _ = try ws.importLayer(name: smallest.name, title: nil, features: features, sourceFile: "again.geojson",
                                               sha256: "x", format: "geojson", official: "官员\(i)", note: label)
                        counts["import", default: 0] += 1
                    }
                } catch {
                    failures.append("\(label): \(error)")
                }
                failures += Self.invariants(ws, rng: &rng, label: label)
            }
            return failures + ["counts thread \(i): \(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"]
        }.flatMap { $0 }
        let failures = logs.filter { !$0.hasPrefix("counts ") }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
        let summary = logs.filter { $0.hasPrefix("counts ") }
        // The sequences did what they are for: decisions, revisions, refused second revisions.
        let all = summary.joined(separator: " ")
        #expect(all.contains("supersede ") && all.contains("supersede refused") && all.contains("decide approve"), "\(summary)")
        #expect(try t.workspace.verify().isEmpty)
    }

    /// The invariants, read on one snapshot.
    static func invariants(_ ws: Workspace, rng: inout SplitMix64, label: String) -> [String] {
        var out: [String] = []
        do {
            out += try ws.verify().map { "\(label): verify: \($0)" }
            let (links, entries, statuses) = try ws.store.readTransaction {
                (try ws.store.decisionLinks(), try ws.store.quotaEntries(nil), try ws.store.quotaStatuses(year: nil))
            }
            var superseded: [Int64: Int] = [:]
            for l in links { if let s = l.supersedes { superseded[s, default: 0] += 1 } }
            for (d, n) in superseded where n > 1 { out.append("\(label): decision \(d) superseded \(n) times") }
            var live: [QuotaAccountKey: Double] = [:]
            for e in entries {
                guard let d = e.decisionId, superseded[d] == nil else { continue }
                if e.kind == .draw { live[e.account, default: 0] -= e.amountMu }
                if e.kind == .return { live[e.account, default: 0] -= e.amountMu }
            }
            for s in statuses where (live[s.account] ?? 0) > s.allocatedMu + 1e-6 {
                out.append("\(label): \(s.account) live draws \(live[s.account]!) > allocation \(s.allocatedMu)")
            }
            if let id = links.randomElement(using: &rng)?.id {
                let r = try ws.replay(id: id)
                if !r.reproduced { out.append("\(label): replay of decision \(id) did not reproduce it") }
            }
        } catch {
            out.append("\(label): invariants: \(error)")
        }
        return out
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same sequence.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
