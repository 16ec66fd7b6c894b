import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// Named sites over the shipped GeoData and rule pack (Fixtures/named-sites.json): each carries
/// the verdict a careful reader of the plans gives, the clause and why.
struct NamedSite: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var lon: Double
    var lat: Double
    var mu: Double
    var industry: String
    var verdict: String
    var expect: [String: String]
    var clause: String
    var why: String
    var investmentPerMu: Double?
    var outputPerMu: Double?
    var energyTce: Double??
    var counties: Int?
    var seaShareAtLeast: Double?
    var seaShareBetween: [Double]?

    enum CodingKeys: String, CodingKey {
        case name, lon, lat, mu, industry, verdict, expect, clause, why, counties
        case investmentPerMu = "investment_per_mu", outputPerMu = "output_per_mu", energyTce = "energy_tce"
        case seaShareAtLeast = "sea_share_at_least", seaShareBetween = "sea_share_between"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        lon = try c.decode(Double.self, forKey: .lon)
        lat = try c.decode(Double.self, forKey: .lat)
        mu = try c.decode(Double.self, forKey: .mu)
        industry = try c.decode(String.self, forKey: .industry)
        verdict = try c.decode(String.self, forKey: .verdict)
        expect = try c.decode([String: String].self, forKey: .expect)
        clause = try c.decode(String.self, forKey: .clause)
        why = try c.decode(String.self, forKey: .why)
        investmentPerMu = try c.decodeIfPresent(Double.self, forKey: .investmentPerMu)
        outputPerMu = try c.decodeIfPresent(Double.self, forKey: .outputPerMu)
        // Absent: the default figure; null: the applicant gave none.
        energyTce = c.contains(.energyTce) ? .some(try c.decodeIfPresent(Double.self, forKey: .energyTce)) : nil
        counties = try c.decodeIfPresent(Int.self, forKey: .counties)
        seaShareAtLeast = try c.decodeIfPresent(Double.self, forKey: .seaShareAtLeast)
        seaShareBetween = try c.decodeIfPresent([Double].self, forKey: .seaShareBetween)
    }

    var testDescription: String { name }

    /// A square of `mu` 亩 centred on the point (degrees scaled by latitude; the engine measures the
    /// true area on EPSG:4549).
    var site: Geometry {
        let side = (mu * Mu.squareMetres).squareRoot()
        let dLat = side / 2 / 111_320
        let dLon = side / 2 / (111_320 * cos(lat * .pi / 180))
        return .polygon(Polygon(exterior: [
            Coordinate(lon - dLon, lat - dLat), Coordinate(lon + dLon, lat - dLat),
            Coordinate(lon + dLon, lat + dLat), Coordinate(lon - dLon, lat + dLat),
            Coordinate(lon - dLon, lat - dLat),
        ]))
    }
}

enum NamedSites {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let all: [NamedSite] = {
        let url = Bundle.module.url(forResource: "Fixtures/named-sites", withExtension: "json")!
        struct File: Decodable { var sites: [NamedSite] }
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).sites
    }()
    static let plan: PlanData = try! VettingEngine.loadPlan(from: repo.appendingPathComponent("GeoData"))
}

@Suite struct NamedSiteTests {
    @Test func thereAreAtLeastThirtyCoveringEveryZoneTypeAndTheShore() {
        let all = NamedSites.all
        #expect(all.count >= 30)
        for key in ["function-zone/prohibited", "function-zone/optimized", "function-zone/key", "function-zone/ecological", "sea",
                    "land-intensity/investment", "jurisdiction/counties"] {
            #expect(all.contains { $0.expect[key] != nil }, "no named site checks \(key)")
        }
        #expect(Set(all.map(\.verdict)) == ["approve", "conditional", "reject", "incomplete"])
        // Every named clause is in the clause book, so a reader can follow it.
        for s in all { #expect(NamedSites.plan.clauses.clause(for: s.clause) != nil, "\(s.name): \(s.clause) has no clause entry") }
    }

    @Test(arguments: NamedSites.all)
    func verdictFollowsThePlan(_ s: NamedSite) throws {
        let engine = try VettingEngine(plan: NamedSites.plan)
        let area = try engine.analyzer.measurer.areaMu(lonLat: s.site)
        let energy: Double? = s.energyTce ?? 500
        let app = Application(name: s.name, industry: s.industry, investmentWan: (s.investmentPerMu ?? 400) * area,
                              outputWan: (s.outputPerMu ?? 600) * area, valueAddedWan: 10_000, energyTce: energy, site: s.site)
        let r = try engine.vet(app)
        let notPass = r.findings.filter { $0.outcome != .pass }.map { "\($0.rule)\($0.check.map { "/\($0)" } ?? ""): \($0.outcome.rawValue)" }
        #expect(r.verdict.rawValue == s.verdict, "\(s.name): \(s.why) — got \(r.verdict.rawValue) \(notPass)")
        for (key, outcome) in s.expect {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            let matching = r.findings.filter { $0.rule == parts[0] && (parts.count == 1 || $0.check == parts[1]) }
            #expect(!matching.isEmpty, "\(s.name): no finding \(key)")
            #expect(matching.contains { $0.outcome.rawValue == outcome }, "\(s.name): \(key) is \(matching.map(\.outcome.rawValue)), expected \(outcome)")
        }
        if let n = s.counties { #expect(r.counties.count == n, "\(s.name): counties \(r.counties.map(\.name))") }
        if let sea = r.findings.first(where: { $0.rule == "sea" && $0.outcome == .warn }), let measured = sea.measured {
            let share = measured / area
            if let least = s.seaShareAtLeast { #expect(share >= least, "\(s.name): sea share \(share)") }
            if let between = s.seaShareBetween { #expect(share > between[0] && share < between[1], "\(s.name): sea share \(share)") }
        }
    }
}
