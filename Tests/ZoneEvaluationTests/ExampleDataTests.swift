import Foundation
import Testing
import ZoneGeometry
@testable import ZoneEvaluation

/// The committed synthetic example (scripts/gen_firms.py --firms 2000 --seed 42): about 2,000 firms
/// in two years on parcels in and around the platforms.
@Suite struct ExampleDataTests {
    static let dir = geodata.appendingPathComponent("examples/evaluation")

    static let evaluated: (EvaluationResult, EvaluationPack) = {
        let pack = try! loadShippedPack()
        let now = try! FirmTable.read(contentsOf: dir.appendingPathComponent("firms-2025.csv"), pack: pack)
        let then = try! FirmTable.read(contentsOf: dir.appendingPathComponent("firms-2024.csv"), pack: pack)
        let parcels = try! ParcelReader.read(contentsOf: dir.appendingPathComponent("parcels.geojson"), geography: shippedGeography)
        return (Evaluator(pack: pack).evaluate(now, parcels: parcels, year: 2025, previous: then, previousYear: 2024), pack)
    }()

    @Test func everyFirmIsClassedOrSaysWhyNot() {
        let (r, _) = Self.evaluated
        #expect(r.firms.count >= 1900)
        for f in r.firms { #expect((f.firmClass != nil) != (f.notEvaluated != nil), "\(f.creditCode)") }
        #expect(r.firms.contains { $0.notEvaluated?.hasPrefix("utility") == true })
        #expect(r.firms.contains { $0.notEvaluated?.hasPrefix("new firm") == true })
        #expect(r.firms.contains { $0.notEvaluated?.hasPrefix("no production") == true })
        #expect(r.firms.contains { $0.landSource == "csv" })
    }

    /// Rank classing per county and scope: each class's count is the pack's share of the group
    /// (rounded), give or take the ties.
    @Test func classSharesFollowThePackInEveryCountyAndScope() {
        let (r, pack) = Self.evaluated
        let groups = Dictionary(grouping: r.firms.filter { $0.firmClass != nil }, by: { "\($0.county!)|\($0.scope!)" })
        #expect(groups.count == 14)
        for (key, members) in groups {
            let n = Double(members.count)
            let a = members.filter { $0.firmClass == .A }.count
            #expect(abs(Double(a) - pack.classes.rankShares[.A]! * n) <= 1, "\(key)")
            let best = members.max { $0.score! < $1.score! }!, worst = members.min { $0.score! < $1.score! }!
            #expect(best.firmClass == .A && worst.firmClass == .D, "\(key)")
        }
    }

    @Test func lowEfficiencyLandIsTheDClassIdleAndUnclaimedParcels() {
        let (r, _) = Self.evaluated
        let dParcels = Set(r.firms.filter { $0.firmClass == .D }.flatMap(\.parcelIds))
        let fromD = Set(r.lowEfficiency.filter { $0.reason == "D" }.compactMap(\.parcelId))
        #expect(!dParcels.isEmpty && dParcels == fromD)
        #expect(r.lowEfficiency.contains { $0.reason == "idle" } && r.lowEfficiency.contains { $0.reason == "unclaimed" })
        let s = EvaluationSummaries(r, geography: shippedGeography, industryName: { _ in nil })
        let total = r.lowEfficiency.reduce(0) { $0 + $1.areaMu }
        #expect(abs(s.totalLowEfficiencyMu - total) < 1e-6)
        #expect(abs(s.counties.reduce(0) { $0 + $1.lowEfficiencyMu } - total) < 1e-6)
        #expect(s.platforms.count > 20)
    }

    @Test func classesChangeBetweenTheTwoYears() {
        let (r, _) = Self.evaluated
        let changed = r.firms.filter(\.classChanged)
        #expect(changed.count > 50 && changed.count < r.firms.count / 2)
        #expect(changed.allSatisfy { $0.inPreviousYear })
    }

    @Test func everyExampleFileSaysItIsSynthetic() throws {
        for name in ["firms-2024.csv", "firms-2025.csv"] {
            let text = try String(contentsOf: Self.dir.appendingPathComponent(name), encoding: .utf8)
            let rows = text.split(separator: "\r\n").dropFirst()
            #expect(rows.allSatisfy { $0.hasSuffix("合成数据 synthetic (scripts/gen_firms.py)") })
        }
        let features = try GeoJSON.parseFeatures(Data(contentsOf: Self.dir.appendingPathComponent("parcels.geojson")))
        #expect(features.allSatisfy { $0.properties["synthetic"] == .bool(true) && $0.properties["source"]?.stringValue?.hasPrefix("synthetic") == true })
    }
}
